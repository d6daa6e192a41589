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
