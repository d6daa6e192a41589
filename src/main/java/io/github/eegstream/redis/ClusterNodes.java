package io.github.eegstream.redis;

import io.github.eegstream.connector.redis.ShardedSubscriber;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What a tool asks of a Redis Cluster's nodes: who subscribes where, and each node's own state. */
public final class ClusterNodes {

    private ClusterNodes() {}

    /** The master that owns {@code channel}'s slot now, or null while it has none. */
    public static RedisClusterNode masterOf(StatefulRedisClusterConnection<?, ?> connection, String channel) {
        return connection.getPartitions().getMasterBySlot(ShardedSubscriber.slot(channel));
    }

    /** How many of {@code channels} have a sharded subscriber at their slot's master (PUBSUB SHARDNUMSUB there). */
    public static long shardSubscribers(StatefulRedisClusterConnection<String, String> connection, List<String> channels) {
        long n = 0;
        for (String channel : channels) {
            RedisClusterNode master = masterOf(connection, channel);
            if (master == null) {
                continue;
            }
            try {
                Map<String, Long> counts = connection.getConnection(master.getNodeId()).sync().pubsubShardNumsub(channel);
                Long count = counts.get(channel);
                if (count != null && count > 0) {
                    n++;
                }
            } catch (RuntimeException e) {
                // that master is not reachable now: not subscribed, as far as anyone can tell
            }
        }
        return n;
    }

    /**
     * For a load generator on a cluster (what a relay does before its first sample): registers the
     * raw channels in {@link io.github.eegstream.wire.Channel#REGISTRY_KEY} now, and waits until
     * each has a sharded subscriber at its master, registering again every second.
     *
     * @return how many have a subscriber when it returns (all, or fewer after the timeout)
     */
    public static long registerAndAwaitSubscribers(StatefulRedisClusterConnection<String, String> connection,
            List<String> rawChannels, java.time.Duration timeout) throws InterruptedException {
        return registerAndAwaitSubscribers(connection, io.github.eegstream.wire.Channel.REGISTRY_KEY, rawChannels, timeout);
    }

    /** As {@link #registerAndAwaitSubscribers(StatefulRedisClusterConnection, List, java.time.Duration)}, in another registry. */
    public static long registerAndAwaitSubscribers(StatefulRedisClusterConnection<String, String> connection, String registryKey,
            List<String> rawChannels, java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastRegistered = 0;
        while (true) {
            if (System.nanoTime() - lastRegistered > 1_000_000_000L) {
                lastRegistered = System.nanoTime();
                double now = System.currentTimeMillis();
                java.util.List<Object> scoresAndMembers = new ArrayList<>();
                for (String c : rawChannels) {
                    scoresAndMembers.add(now);
                    scoresAndMembers.add(c);
                }
                connection.sync().zadd(registryKey, scoresAndMembers.toArray());
            }
            long ready = shardSubscribers(connection, rawChannels);
            if (ready == rawChannels.size() || System.nanoTime() > deadline) {
                return ready;
            }
            Thread.sleep(100);
        }
    }

    /** The cluster's masters as the client's topology has them now. */
    public static List<RedisClusterNode> masters(StatefulRedisClusterConnection<?, ?> connection) {
        List<RedisClusterNode> out = new ArrayList<>();
        for (RedisClusterNode node : connection.getPartitions()) {
            if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
                out.add(node);
            }
        }
        return out;
    }

    /** Every node (masters and replicas) of the topology. */
    public static List<RedisClusterNode> all(StatefulRedisClusterConnection<?, ?> connection) {
        List<RedisClusterNode> out = new ArrayList<>();
        connection.getPartitions().forEach(out::add);
        return out;
    }
}
