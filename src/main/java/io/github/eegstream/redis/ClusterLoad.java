package io.github.eegstream.redis;

import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Each node's load on a Redis Cluster over a measured interval, from the nodes' own INFO: CPU
 * (used_cpu_sys + used_cpu_user), bytes sent to clients (egress) and received, commands, shard
 * channels and clients. For a benchmark: {@link #snapshot} before and after the measured part,
 * then {@link #between}. Needs no Flink.
 */
public final class ClusterLoad {

    /** One node's counters at one moment. */
    public record NodeCounters(String node, String role, double cpuSeconds, long netOutBytes, long netInBytes,
            long commands, long shardChannels, long clients, long nanos) {}

    /** One node's load between two snapshots. */
    public record NodeLoad(String node, String role, double cpuPercent, double egressMBps, double ingressMBps,
            double commandsPerSecond, long shardChannels, long clients) {

        /** One line for a report. */
        public String line() {
            return String.format(Locale.ROOT, "redis node %-21s %-7s CPU %5.1f %%  egress %7.2f MB/s  ingress %7.2f MB/s"
                    + "  %8.0f commands/s  %6d shard channels  %5d clients", node, role, cpuPercent, egressMBps, ingressMBps,
                    commandsPerSecond, shardChannels, clients);
        }

        /** As a map, for a JSON report. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node", node);
            m.put("role", role);
            m.put("cpu_percent", cpuPercent);
            m.put("egress_mb_per_s", egressMBps);
            m.put("ingress_mb_per_s", ingressMBps);
            m.put("commands_per_s", commandsPerSecond);
            m.put("shard_channels", shardChannels);
            m.put("clients", clients);
            return m;
        }
    }

    private ClusterLoad() {}

    /** Every node's counters now (nodes that do not answer are left out). */
    public static List<NodeCounters> snapshot(RedisEndpoint endpoint) {
        RedisClusterClient cluster = endpoint.createClusterClient("eegstream-cluster-load");
        try (StatefulRedisClusterConnection<String, String> c = cluster.connect()) {
            List<NodeCounters> out = new ArrayList<>();
            for (RedisClusterNode node : ClusterNodes.all(c)) {
                String name = node.getUri().getHost() + ":" + node.getUri().getPort();
                try {
                    String info = c.getConnection(node.getNodeId()).sync().info("everything");
                    out.add(new NodeCounters(name, node.is(RedisClusterNode.NodeFlag.UPSTREAM) ? "master" : "replica",
                            number(info, "used_cpu_sys") + number(info, "used_cpu_user"),
                            (long) number(info, "total_net_output_bytes"), (long) number(info, "total_net_input_bytes"),
                            (long) number(info, "total_commands_processed"), (long) number(info, "pubsubshard_channels"),
                            (long) number(info, "connected_clients"), System.nanoTime()));
                } catch (RuntimeException e) {
                    // a node that does not answer now (failing over) has no figures
                }
            }
            return out;
        } finally {
            cluster.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    /** Each node's load from {@code before} to {@code after} (nodes in both). */
    public static List<NodeLoad> between(List<NodeCounters> before, List<NodeCounters> after) {
        List<NodeLoad> out = new ArrayList<>();
        for (NodeCounters a : after) {
            for (NodeCounters b : before) {
                if (b.node().equals(a.node())) {
                    double seconds = Math.max(1e-3, (a.nanos() - b.nanos()) / 1e9);
                    out.add(new NodeLoad(a.node(), a.role(), 100 * (a.cpuSeconds() - b.cpuSeconds()) / seconds,
                            (a.netOutBytes() - b.netOutBytes()) / 1e6 / seconds, (a.netInBytes() - b.netInBytes()) / 1e6 / seconds,
                            (a.commands() - b.commands()) / seconds, a.shardChannels(), a.clients()));
                }
            }
        }
        return out;
    }

    private static double number(String info, String field) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(field + ":")) {
                try {
                    return Double.parseDouble(line.substring(field.length() + 1).trim());
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }
}
