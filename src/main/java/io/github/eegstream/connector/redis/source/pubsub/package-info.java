/**
 * A FLIP-27 source of Redis pub/sub messages: {@link
 * io.github.eegstream.connector.redis.source.pubsub.RedisPubSubSource} (configured by its builder)
 * reads a channel family such as {@code sensor:*:raw}.
 *
 * <p>Its {@link io.github.eegstream.connector.redis.source.pubsub.RedisPubSubEnumerator} divides the
 * family into {@link io.github.eegstream.connector.redis.source.pubsub.ChannelClass}es, one Redis
 * pattern each, and tells each {@link io.github.eegstream.connector.redis.source.pubsub.RedisPubSubSourceReader}
 * its classes by {@link io.github.eegstream.connector.redis.source.pubsub.HandoverEvent}s. As the
 * readers report their load, the {@link io.github.eegstream.connector.redis.source.pubsub.Rebalancer}
 * cuts busy classes finer and moves them between readers, handing over at a marker so that no
 * message is read twice or lost in a move. Pub/sub keeps no history: delivery is at most once, and
 * only the classes and rates are checkpointed ({@link
 * io.github.eegstream.connector.redis.source.pubsub.RedisPubSubEnumeratorState}).
 */
package io.github.eegstream.connector.redis.source.pubsub;
