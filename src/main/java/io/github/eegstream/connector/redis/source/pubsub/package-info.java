/**
 * A FLIP-27 source reading Redis pub/sub channels through Lettuce pattern subscriptions.
 *
 * <p>Shaped like Flink's Kafka connector: {@link io.github.eegstream.job.source.RedisPubSubSource}
 * (builder-configured) creates a {@link io.github.eegstream.job.source.RedisPubSubEnumerator} that
 * assigns {@link io.github.eegstream.job.source.RedisPubSubSplit}s (one pattern each) to
 * {@link io.github.eegstream.job.source.RedisPubSubSourceReader}s. Pub/sub keeps no history, so a
 * split's state is only its pattern: delivery is at-most-once, and each message is read by the one
 * reader that owns the matching split.
 */
package io.github.eegstream.connector.redis.source.pubsub;
