package io.github.eegstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.testing.TestRedisCluster;
import org.junit.jupiter.api.Test;

/**
 * {@code eeg bench} on a local 3 + 3 Redis Cluster (its own, and its own embedded Flink, as the
 * command starts one: not beside a test MiniCluster). Not a timing test.
 */
class BenchOnClusterTest {

    /**
     * {@code eeg bench} against the cluster: its load SPUBLISHes, every window is predicted, and
     * each node's load (CPU, egress, ingress) over the measured part is reported.
     */
    @Test
    void theBenchRunsAgainstTheClusterAndReportsEachNodesLoad() throws Exception {
        try (TestRedisCluster cluster = TestRedisCluster.start()) {
            run(cluster);
        }
    }

    private static void run(TestRedisCluster cluster) throws Exception {
        java.io.PrintStream original = System.out;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.StringWriter errors = new java.io.StringWriter();
        System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        int exit;
        try {
            exit = io.github.eegstream.cli.Eeg.commandLine().setErr(new java.io.PrintWriter(errors, true)).execute("bench",
                    "--users", "12", "--duration", "4", "--warmup", "0", "--json", "--redis", cluster.url());
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(java.nio.charset.StandardCharsets.UTF_8).trim();
        assertEquals(0, exit, out + errors);
        var result = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.substring(out.lastIndexOf("\n") + 1));
        var r = result.get("eegstream");
        assertTrue(r.get("predictions_expected").asLong() >= 12 * 6, r.toString());
        assertTrue(r.get("predictions_received").asLong() >= r.get("predictions_expected").asLong(), r.toString());
        assertEquals(0.0, r.get("loss_ratio").asDouble(), r.toString());
        var nodes = result.get("redis_nodes");
        assertEquals(6, nodes.size(), "every node, masters and replicas: " + nodes);
        double egress = 0;
        int masters = 0;
        for (var n : nodes) {
            egress += n.get("egress_mb_per_s").asDouble();
            masters += n.get("role").asText().equals("master") ? 1 : 0;
            assertTrue(n.get("cpu_percent").asDouble() >= 0 && n.has("ingress_mb_per_s"), n.toString());
        }
        assertEquals(3, masters);
        assertTrue(egress > 0, "the nodes sent the job its samples: " + nodes);
    }

}
