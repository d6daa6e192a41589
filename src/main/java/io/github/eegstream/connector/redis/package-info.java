/**
 * A Flink connector for Redis, built on Lettuce: what its sources and sink share. Where Redis is
 * ({@link io.github.eegstream.connector.redis.RedisClientFactory}), how messages become records
 * ({@link io.github.eegstream.connector.redis.MessageDeserializer}), how rejected messages are
 * counted and sampled to a dead-letter channel ({@link io.github.eegstream.connector.redis.DeadLetterSerializer},
 * {@link io.github.eegstream.connector.redis.RejectReasons}), the bounds on what a reader copies
 * ({@link io.github.eegstream.connector.redis.LimitedValueCodec}) and the metrics' names
 * ({@link io.github.eegstream.connector.redis.RedisConnectorMetrics}).
 *
 * <ul>
 *   <li>{@code source.pubsub}: pub/sub channels, balanced over the readers, at most once;
 *   <li>{@code source.streams}: Redis Streams, positions in checkpoints, exactly once;
 *   <li>{@code sink}: pipelined PUBLISH, at most once or (with a publish-once function) exactly once.
 * </ul>
 *
 * It depends on Flink, Lettuce and slf4j only; see {@code docs/connector.md}.
 */
package io.github.eegstream.connector.redis;
