package io.github.eegstream.bench;

import io.github.eegstream.redis.RedisEndpoint;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's load in a process of its own, as real relays are: it must not share the job's
 * cores' schedule, heap or pauses, or its own lateness would be counted as the job's latency.
 *
 * <p>{@code LoadProcess FIRST_ID USERS RATE CHANNELS CHUNK CONNECTIONS WARMUP SECONDS} publishes
 * to the Redis at {@code $REDIS_URL} (from the environment, so that no password shows among the
 * process's arguments in {@code ps}; TLS settings from {@code $REDIS_CA_CERT} and the like). It
 * prints {@code start T} (the Unix time the users' timelines start from, see
 * {@link LoadGenerator#userStart}), publishes for WARMUP seconds, prints {@code measuring}, goes on
 * publishing for SECONDS more without a pause, then prints one line: {@code {"seconds": s,
 * "cpu_s": c, "samples": [n0, n1, ...], "lateness_ms": {"p50": .., "p95": .., "p99": .., "max":
 * ..}}}: seconds, CPU and lateness of the measured part, and each user's samples over the whole run.
 */
public final class LoadProcess {

    private LoadProcess() {}

    public static void main(String[] args) throws Exception {
        if (System.getenv(RedisEndpoint.ENV) == null) {
            throw new IllegalArgumentException("LoadProcess reads its Redis URL from $" + RedisEndpoint.ENV);
        }
        RedisEndpoint endpoint = RedisEndpoint.resolve(null);
        int first = Integer.parseInt(args[0]);
        int users = Integer.parseInt(args[1]);
        List<String> ids = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            ids.add(Integer.toString(first + u));
        }
        if (endpoint.isCluster()) {
            // As relays do there: registered, and held until the job's source subscribes (sharded
            // pub/sub has no patterns to find them by).
            var cluster = endpoint.createClusterClient("eegstream-bench-register");
            try (var c = cluster.connect()) {
                List<String> channels = ids.stream()
                        .map(id -> io.github.eegstream.wire.Channel.of(id, io.github.eegstream.wire.ChannelKind.RAW).name()).toList();
                long subscribed = io.github.eegstream.redis.ClusterNodes.registerAndAwaitSubscribers(c, channels,
                        Duration.ofSeconds(120));
                if (subscribed < channels.size()) {
                    throw new IllegalStateException("only " + subscribed + " of " + channels.size() + " users' channels"
                            + " have a subscriber on the cluster after 120 s");
                }
            } finally {
                cluster.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            }
        }
        double warmup = Double.parseDouble(args[6]);
        double seconds = Double.parseDouble(args[7]);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long[] atMark = new long[2]; // process CPU and System.nanoTime at the mark
        try (LoadGenerator load = generator(endpoint, ids, args)) {
            load.run(Duration.ofMillis(Math.round(warmup * 1000)), Duration.ofMillis(Math.round(seconds * 1000)),
                    new LoadGenerator.Marks() {
                        @Override
                        public void starting(double startWall) {
                            System.out.println(String.format(Locale.ROOT, "start %.6f", startWall));
                            System.out.flush();
                        }

                        @Override
                        public void measuring() {
                            atMark[0] = os.getProcessCpuTime();
                            atMark[1] = System.nanoTime();
                            System.out.println("measuring");
                            System.out.flush();
                        }
                    });
            StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "{\"seconds\":%.3f,\"cpu_s\":%.3f,\"samples\":[",
                    (System.nanoTime() - atMark[1]) / 1e9, (os.getProcessCpuTime() - atMark[0]) / 1e9));
            for (int u = 0; u < users; u++) {
                out.append(u == 0 ? "" : ",").append(load.samplesPublished(u));
            }
            BenchResult.Latency late = BenchResult.Latency.ofMicros(load.lateness());
            out.append(String.format(Locale.ROOT, "],\"lateness_ms\":{\"p50\":%.3f,\"p95\":%.3f,\"p99\":%.3f,\"max\":%.3f}}",
                    late.p50(), late.p95(), late.p99(), late.max()));
            System.out.println(out);
        }
    }

    private static LoadGenerator generator(RedisEndpoint endpoint, List<String> ids, String[] args) {
        return new LoadGenerator(endpoint, ids, Double.parseDouble(args[2]), Integer.parseInt(args[3]),
                Integer.parseInt(args[4]), Integer.parseInt(args[5]));
    }
}
