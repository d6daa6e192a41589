package io.github.eegstream.testing;

import io.github.eegstream.redis.RedisEndpoint;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A real Redis Cluster on loopback: six {@code redis-server --cluster-enabled yes} processes on
 * free ports (each in a temporary directory of its own, keeping nothing on disk), made into three
 * masters with one replica each by {@code redis-cli --cluster create --cluster-replicas 1}, and
 * ready once every node says {@code cluster_state:ok}. A node-timeout of 2 s makes a killed
 * master's replica take over within a few seconds. {@link #close()} kills them all.
 *
 * <p>Fails (never skips) if redis-server or redis-cli is missing.
 */
public final class TestRedisCluster implements AutoCloseable {

    /** The cluster's node-timeout: how long a master may be silent before its replica takes over. */
    public static final int NODE_TIMEOUT_MILLIS = 2000;

    private final Path dir;
    private final Map<Integer, Process> processes = new LinkedHashMap<>();

    private TestRedisCluster(Path dir) {
        this.dir = dir;
    }

    /** Starts six nodes and creates the cluster: 3 masters, 3 replicas. */
    public static TestRedisCluster start() throws Exception {
        requireOnPath("redis-server");
        requireOnPath("redis-cli");
        requireSevenOrLater();
        TestRedisCluster cluster = new TestRedisCluster(Files.createTempDirectory("eegstream-cluster"));
        try {
            List<Integer> ports = freePorts(6);
            for (int port : ports) {
                cluster.startNode(port);
            }
            for (int port : ports) {
                await(() -> cluster.answers(port), Duration.ofSeconds(10), "redis-server on port " + port + " answers");
            }
            List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            ports.forEach(p -> command.add("127.0.0.1:" + p));
            command.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
            Process create = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(cluster.dir.resolve("create.log").toFile()).start();
            if (!create.waitFor(60, TimeUnit.SECONDS) || create.exitValue() != 0) {
                create.destroyForcibly();
                throw new AssertionError("redis-cli --cluster create failed: " + Files.readString(cluster.dir.resolve("create.log")));
            }
            cluster.awaitHealthy(Duration.ofSeconds(30));
            return cluster;
        } catch (Throwable e) {
            cluster.close();
            throw e;
        }
    }

    private static void requireOnPath(String executable) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, executable))) {
                return;
            }
        }
        throw new AssertionError(executable + " is not installed: the Redis Cluster tests need redis-server and redis-cli 7"
                + " (Debian: apt-get install redis-server redis-tools; .ci/run installs them)");
    }

    /** Sharded pub/sub came with Redis 7.0. */
    private static void requireSevenOrLater() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("redis-server", "--version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("v=(\\d+)\\.").matcher(out);
        if (!m.find() || Integer.parseInt(m.group(1)) < 7) {
            throw new AssertionError("the Redis Cluster tests need redis-server 7 or later (sharded pub/sub), found: " + out.trim());
        }
    }

    private void startNode(int port) throws IOException {
        Path nodeDir = Files.createDirectories(dir.resolve(Integer.toString(port)));
        Process p = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                "--cluster-node-timeout", Integer.toString(NODE_TIMEOUT_MILLIS), "--dir", nodeDir.toString(),
                "--save", "", "--appendonly", "no", "--protected-mode", "no", "--daemonize", "no")
                .redirectErrorStream(true).redirectOutput(nodeDir.resolve("redis.log").toFile()).start();
        processes.put(port, p);
    }

    /** Every node's port, in the order they were started. */
    public List<Integer> ports() {
        return new ArrayList<>(processes.keySet());
    }

    /** The live nodes' ports. */
    public List<Integer> livePorts() {
        return processes.entrySet().stream().filter(e -> e.getValue().isAlive()).map(Map.Entry::getKey).toList();
    }

    /** {@code redis-cluster://127.0.0.1:p1,...} over every node. */
    public String url() {
        StringBuilder b = new StringBuilder("redis-cluster://");
        List<Integer> ports = ports();
        for (int i = 0; i < ports.size(); i++) {
            b.append(i == 0 ? "" : ",").append("127.0.0.1:").append(ports.get(i));
        }
        return b.toString();
    }

    public RedisEndpoint endpoint() {
        return new RedisEndpoint(url());
    }

    /** Runs {@code command} on the node at {@code port} (a plain connection, no routing). */
    public <T> T onNode(int port, java.util.function.Function<io.lettuce.core.api.sync.RedisCommands<String, String>, T> command) {
        RedisClient client = RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(port)
                .withTimeout(Duration.ofSeconds(2)).build());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return command.apply(c.sync());
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    /** The field {@code name} of {@code INFO}-style text. */
    public static String field(String info, String name) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1).trim();
            }
        }
        return null;
    }

    private boolean answers(int port) {
        try {
            return "PONG".equals(onNode(port, c -> c.ping()));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The ports of the nodes that are masters now. */
    public List<Integer> masters() {
        List<Integer> out = new ArrayList<>();
        for (int port : livePorts()) {
            try {
                if ("master".equals(field(onNode(port, c -> c.info("replication")), "role"))) {
                    out.add(port);
                }
            } catch (RuntimeException e) {
                // not answering now
            }
        }
        return out;
    }

    /** The port of the master owning {@code slot}, as the node at {@code askPort} sees it. */
    public int masterOfSlot(int slot) {
        for (int port : livePorts()) {
            try {
                for (Object range : onNode(port, c -> c.clusterSlots())) {
                    List<?> r = (List<?>) range;
                    if (((Number) r.get(0)).intValue() <= slot && slot <= ((Number) r.get(1)).intValue()) {
                        return ((Number) ((List<?>) r.get(2)).get(1)).intValue();
                    }
                }
            } catch (RuntimeException e) {
                // ask the next
            }
        }
        throw new IllegalStateException("no node knows slot " + slot);
    }

    /** Waits until every live node says cluster_state:ok and there are three masters. */
    public void awaitHealthy(Duration timeout) throws InterruptedException {
        await(() -> {
            for (int port : livePorts()) {
                try {
                    if (!"ok".equals(field(onNode(port, c -> c.clusterInfo()), "cluster_state"))) {
                        return false;
                    }
                } catch (RuntimeException e) {
                    return false;
                }
            }
            return masters().size() == 3;
        }, timeout, "every node of the cluster says cluster_state:ok, with three masters");
    }

    /**
     * Moves an empty slot (channels are no keys) from one master to another as resharding does:
     * IMPORTING at the target, MIGRATING at the source, then NODE at every master.
     */
    public void moveSlot(int slot, int fromPort, int toPort) {
        String fromId = onNode(fromPort, c -> c.clusterMyId());
        String toId = onNode(toPort, c -> c.clusterMyId());
        onNode(toPort, c -> c.clusterSetSlotImporting(slot, fromId));
        onNode(fromPort, c -> c.clusterSetSlotMigrating(slot, toId));
        onNode(toPort, c -> c.clusterSetSlotNode(slot, toId));
        onNode(fromPort, c -> c.clusterSetSlotNode(slot, toId));
        for (int port : masters()) {
            if (port != fromPort && port != toPort) {
                onNode(port, c -> c.clusterSetSlotNode(slot, toId));
            }
        }
    }

    /** SIGKILLs the node at {@code port}. */
    public void kill(int port) throws InterruptedException {
        Process p = processes.get(port);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
    }

    public static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting until " + what);
            }
            Thread.sleep(50);
        }
    }

    /** Free loopback ports whose cluster bus port (+10000) is free too. */
    private static List<Integer> freePorts(int n) throws IOException {
        List<Integer> ports = new ArrayList<>();
        while (ports.size() < n) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            if (port + 10000 > 65535 || ports.contains(port)) {
                continue;
            }
            try (ServerSocket bus = new ServerSocket(port + 10000, 1, InetAddress.getLoopbackAddress())) {
                ports.add(port);
            } catch (IOException taken) {
                // try another
            }
        }
        return ports;
    }

    @Override
    public void close() {
        for (Process p : processes.values()) {
            p.destroyForcibly();
        }
        for (Process p : processes.values()) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory
        }
    }
}
