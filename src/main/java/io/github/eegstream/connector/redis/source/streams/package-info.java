/**
 * A FLIP-27 source of Redis Streams ({@link io.github.eegstream.connector.redis.source.streams.RedisStreamSource}):
 * every stream whose key matches a pattern is one split, found by the
 * {@link io.github.eegstream.connector.redis.source.streams.RedisStreamEnumerator} as it appears and
 * read with XREAD by a {@link io.github.eegstream.connector.redis.source.streams.RedisStreamSplitReader}
 * on Flink's split-reader framework. Each split's last id is in the checkpoints, so a restored job
 * reads every entry after it once.
 */
package io.github.eegstream.connector.redis.source.streams;
