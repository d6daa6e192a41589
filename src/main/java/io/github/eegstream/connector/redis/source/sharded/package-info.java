/**
 * A Flink source of Redis Cluster sharded pub/sub (SSUBSCRIBE): channels found in a registry,
 * dealt to readers by count and kept there, each read at its slot's master through failovers.
 */
package io.github.eegstream.connector.redis.source.sharded;
