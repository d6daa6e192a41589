package io.github.eegstream.bench;

import io.github.eegstream.job.EmbeddedFlink;
import io.github.eegstream.redis.LocalRedis;
import io.github.eegstream.redis.RedisEndpoint;
import io.github.eegstream.redis.RedisTls;
import io.github.eegstream.spec.JobSpec;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The job under a paced load of simulated relays ({@code eeg bench}): U users at HZ, per-sample
 * messages or chunks, published by a load process of its own ({@link LoadProcess}) to the job
 * running embedded, its predictions' latency recorded ({@link LatencyRecorder}); then the
 * ceiling: the same messages published unpaced to a subscriber that only counts
 * ({@link CountingSubscriber}), with no job; then, with a baseline, the original Python consumer
 * under the same load.
 */
public final class PacedBenchmark {

    /**
     * What to run.
     *
     * @param consumer the original consumer's script; null for the project's
     * @param tlsEnvironment the command's TLS options, for the load process's environment
     * @param ceilingSeconds how long to measure the ceiling (after a warm-up of half as long); 0 for no ceiling
     * @param jfr where to write a JFR recording (profile settings) of the job's measured part; null for none
     */
    public record Settings(int users, double rate, int channels, int chunk, double duration, double warmup,
            int connections, boolean baseline, Path consumer, Map<String, String> tlsEnvironment, double ceilingSeconds,
            Path jfr) {}

    private final Settings settings;

    public PacedBenchmark(Settings settings) {
        this.settings = settings;
    }

    /**
     * Runs the load against the job, and then against the baseline if asked, at the Redis of
     * {@code probe}'s spec (or an embedded one, if none answers there); {@code specFor} gives the
     * spec to run against a Redis URL.
     */
    public BenchResult run(JobSpec probe, Function<String, JobSpec> specFor) throws Exception {
        int users = settings.users();
        int offset = ThreadLocalRandom.current().nextInt(1_000_000, 9_000_000);
        List<String> ids = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            ids.add(Integer.toString(offset + u)); // numeric, as the original consumer names its users
        }
        if (probe.redis().endpoint().isCluster()) {
            return runOnCluster(probe.redis().endpoint(), specFor.apply(probe.redis().endpoint().url()), ids, offset);
        }
        try (LocalRedis redis = LocalRedis.reachableOrEmbedded(probe.redis().endpoint())) {
            JobSpec spec = specFor.apply(redis.endpoint().url());
            RedisClient client = redis.endpoint().createClient();
            try {
                BenchResult.Run ours;
                Map<String, Long> counters;
                EmbeddedFlink.Running running = startJob(spec);
                try {
                    ours = measure(client, redis.endpoint(), ids, offset, spec);
                    counters = counters(running);
                } finally {
                    running.job().cancel().get(30, TimeUnit.SECONDS);
                }
                Double ceiling = settings.ceilingSeconds() > 0 ? ceiling(redis.endpoint(), ids, offset) : null;
                Double fraction = ceiling == null ? null : ours.consumedSamplesPerSecond() / ceiling;
                BenchResult.Run theirs = null;
                BenchResult.Ratio ratio = null;
                if (settings.baseline()) {
                    if (settings.chunk() != 1) {
                        throw new IllegalArgumentException("the original consumer reads per-sample messages only: --baseline needs --chunk 1");
                    }
                    theirs = runBaseline(client, redis.endpoint(), ids, offset, spec);
                    ratio = new BenchResult.Ratio(ours.consumedSamplesPerSecond() / Math.max(1e-9, theirs.consumedSamplesPerSecond()),
                            theirs.latencyMillis().p99() / Math.max(1e-9, ours.latencyMillis().p99()));
                }
                return new BenchResult(users, settings.rate(), settings.channels(), settings.chunk(), settings.duration(),
                        ceiling, fraction, ours, theirs, ratio).withJobCounters(counters);
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        }
    }

    /**
     * On a Redis Cluster: the load SPUBLISHes (after its users are registered and subscribed, as
     * relays do there), the latency is read by SSUBSCRIBE at each channel's master, and each
     * node's CPU, egress and ingress over the measured part are reported. No ceiling and no
     * baseline there (the original consumer speaks to one node).
     */
    private BenchResult runOnCluster(RedisEndpoint endpoint, JobSpec spec, List<String> ids, int offset) throws Exception {
        if (settings.baseline()) {
            throw new IllegalArgumentException("--baseline runs the original consumer, which speaks to one Redis node, not a cluster");
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        EmbeddedFlink.Running running = startJob(spec);
        try (LatencyRecorder recorder = new LatencyRecorder(endpoint, ids)) {
            long[] processCpu = new long[1];
            List<io.github.eegstream.redis.ClusterLoad.NodeCounters>[] before = new List[1];
            Load load = load(endpoint, offset, recorder, () -> {
                processCpu[0] = os.getProcessCpuTime();
                before[0] = io.github.eegstream.redis.ClusterLoad.snapshot(endpoint);
            });
            var nodes = io.github.eegstream.redis.ClusterLoad.between(before[0], io.github.eegstream.redis.ClusterLoad.snapshot(endpoint));
            recorder.drain(2_000, 30_000);
            BenchResult.Run run = report(load, recorder, spec);
            double job = 100.0 * (os.getProcessCpuTime() - processCpu[0]) / 1e9 / load.seconds();
            double redis = nodes.stream().mapToDouble(io.github.eegstream.redis.ClusterLoad.NodeLoad::cpuPercent).sum();
            run = run.withCpu(job, null, 100.0 * load.cpuSeconds() / load.seconds(), redis);
            return new BenchResult(settings.users(), settings.rate(), settings.channels(), settings.chunk(), settings.duration(),
                    null, null, run, null, null, nodes.stream().map(io.github.eegstream.redis.ClusterLoad.NodeLoad::toMap).toList(),
                    counters(running));
        } finally {
            running.job().cancel().get(30, TimeUnit.SECONDS);
        }
    }

    /** How often the bench's job refreshes the metrics its web UI serves (Flink's default: 10 s). */
    private static final Duration METRICS_FETCH = Duration.ofSeconds(1);

    private static EmbeddedFlink.Running startJob(JobSpec spec) throws Exception {
        org.apache.flink.configuration.Configuration overrides = new org.apache.flink.configuration.Configuration();
        overrides.set(org.apache.flink.configuration.MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, METRICS_FETCH);
        return EmbeddedFlink.start(spec, 0, null, overrides);
    }

    /** The job's own counters over its whole run, read when the load is over and they have settled. */
    private static Map<String, Long> counters(EmbeddedFlink.Running running) {
        return JobCounters.settled(running.webUrl(), running.job().getJobID().toString(), METRICS_FETCH, 15_000);
    }

    /** The pipelined sink against one round trip per record, same records, same run ({@code eeg bench --sink N}). */
    public static BenchResult.Sink sink(JobSpec probe, long records) throws Exception {
        try (LocalRedis redis = LocalRedis.reachableOrEmbedded(probe.redis().endpoint())) {
            double roundTrip = SinkBenchmark.run(redis.endpoint(), probe, Math.max(1, records / 10), true);
            double pipelined = SinkBenchmark.run(redis.endpoint(), probe, records, false);
            return new BenchResult.Sink(records, pipelined, roundTrip, pipelined / roundTrip);
        }
    }

    private BenchResult.Run measure(RedisClient client, RedisEndpoint endpoint, List<String> ids, int offset, JobSpec spec)
            throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long[] processCpu = new long[1];
        double[] redisCpu = new double[1];
        // Opened before the load: a client created at the mark (event loops, threads) would be
        // the job's process's own spike in the measured part's first second.
        try (StatefulRedisConnection<String, String> admin = client.connect();
                LatencyRecorder recorder = new LatencyRecorder(client, ids);
                jdk.jfr.Recording jfr = settings.jfr() == null ? null : new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"))) {
            Load load = load(endpoint, offset, recorder, () -> {
                if (jfr != null) {
                    jfr.start(); // the measured part only: the warm-up's compilation would crowd the profile
                }
                processCpu[0] = os.getProcessCpuTime();
                redisCpu[0] = redisCpuSeconds(admin);
            });
            if (jfr != null) {
                jfr.stop();
                jfr.dump(settings.jfr());
            }
            recorder.drain(2_000, 30_000);
            BenchResult.Run run = report(load, recorder, spec);
            double job = 100.0 * (os.getProcessCpuTime() - processCpu[0]) / 1e9 / load.seconds();
            double loadGenerator = 100.0 * load.cpuSeconds() / load.seconds();
            double redis = 100.0 * (redisCpuSeconds(admin) - redisCpu[0]) / load.seconds();
            return run.withCpu(job, null, loadGenerator, redis);
        }
    }

    /**
     * What a load process published: per user, the first sample of the measured part and the
     * samples of the whole run; and the measured part's length, CPU and lateness.
     */
    private record Load(long[] first, long[] samples, double cpuSeconds, double seconds, BenchResult.Latency lateness) {
        /** Samples published in the measured part. */
        long measured() {
            long n = 0;
            for (int u = 0; u < samples.length; u++) {
                n += Math.max(0, samples[u] - first[u]);
            }
            return n;
        }
    }

    /**
     * Runs the load in its own JVM (see LoadProcess): warm-up, then the measured part with no
     * pause between, {@code onMeasuring} called at its start. As soon as the load process tells
     * when its users' timelines start, {@code recorder} is told each user's first measured
     * sample's time: the predictions of windows ending before are the warm-up's, whenever they
     * arrive (knowing this before the mark, none of the measured part's first predictions can be
     * missed by a late reset).
     */
    private Load load(RedisEndpoint endpoint, int offset, LatencyRecorder recorder, Runnable onMeasuring) throws Exception {
        Process p = loadProcess(endpoint, settings.tlsEnvironment(), Integer.toString(offset), Integer.toString(settings.users()),
                Double.toString(settings.rate()), Integer.toString(settings.channels()), Integer.toString(settings.chunk()),
                Integer.toString(settings.connections()), Double.toString(settings.warmup()), Double.toString(settings.duration()))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        java.io.BufferedReader lines = new java.io.BufferedReader(
                new java.io.InputStreamReader(p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
        int users = settings.users();
        double rate = settings.rate();
        long[] first = null;
        String result = null;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (line.startsWith("start ")) {
                double startWall = Double.parseDouble(line.substring(6));
                double mark = startWall + settings.warmup();
                first = new long[users];
                double[] from = new double[users];
                for (int u = 0; u < users; u++) {
                    first[u] = LoadGenerator.firstSampleFrom(startWall, u, users, rate, mark);
                    // Half a sample early: the job's timestamps are the generator's within rounding.
                    from[u] = LoadGenerator.userStart(startWall, u, users) + (first[u] - 0.5) / rate;
                }
                recorder.measureFrom(from);
            } else if (line.equals("measuring")) {
                onMeasuring.run();
            } else if (line.startsWith("{")) {
                result = line;
            }
        }
        if (p.waitFor() != 0 || result == null || first == null) {
            throw new IllegalStateException("the load process failed (exit " + p.exitValue() + ")");
        }
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(result);
        long[] samples = new long[users];
        for (int u = 0; u < users; u++) {
            samples[u] = json.get("samples").get(u).asLong();
        }
        var late = json.get("lateness_ms");
        return new Load(first, samples, json.get("cpu_s").asDouble(), json.get("seconds").asDouble(),
                new BenchResult.Latency(late.get("p50").asDouble(), late.get("p95").asDouble(), late.get("p99").asDouble(),
                        late.get("max").asDouble()));
    }

    /**
     * The ceiling: the same users' messages, published unpaced and pipelined by the load
     * generator (here, in this process: the job is not running), counted by one plain subscriber
     * and nothing else. The publisher keeps at most {@link LoadGenerator#FLOOD_AHEAD_BYTES}
     * ahead of what the subscriber counted, so Redis's output buffer for it stays far below the
     * limit at which Redis disconnects a subscriber. Samples per second delivered from the start
     * of the measured part to the last message counted; null over TLS, where the plain subscriber
     * cannot connect.
     */
    private Double ceiling(RedisEndpoint endpoint, List<String> ids, int offset) throws Exception {
        RedisURI uri = RedisURI.create(endpoint.url());
        if (uri.isSsl()) {
            return null;
        }
        io.lettuce.core.RedisCredentials credentials = uri.getCredentialsProvider().resolveCredentials().block();
        try (CountingSubscriber counter = new CountingSubscriber(uri.getHost(), uri.getPort(),
                credentials == null ? null : credentials.getUsername(), credentials == null ? null : credentials.getPassword(),
                "user:*:raw", offset, offset + settings.users() - 1L);
                LoadGenerator flood = new LoadGenerator(endpoint, ids, settings.rate(), settings.channels(), settings.chunk(),
                        settings.connections())) {
            counter.awaitSubscribed(10_000);
            flood.flood(Duration.ofMillis(Math.round(settings.ceilingSeconds() * 500)), counter);
            long first = counter.count();
            long start = System.nanoTime();
            flood.flood(Duration.ofMillis(Math.round(settings.ceilingSeconds() * 1000)), counter);
            long sent = flood.messagesSent();
            // Every reply is in; what Redis still holds for the subscriber is a few ms of messages.
            counter.awaitCount(sent, 5_000);
            if (counter.failure() != null) {
                throw new IllegalStateException("the ceiling's subscriber failed: " + counter.failure(), counter.failure());
            }
            long last = counter.lastMessageNanos();
            return last <= start ? 0.0 : (counter.count() - first) * (double) settings.chunk() / ((last - start) / 1e9);
        }
    }

    /**
     * The load process's command: its credentials (the URL, and where the TLS files are) go in its
     * environment, which only its owner can read, never among its arguments, which {@code ps} shows
     * to every user of the machine. {@code tlsEnv} holds the command's TLS options.
     */
    public static ProcessBuilder loadProcess(RedisEndpoint endpoint, Map<String, String> tlsEnv, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xmx512m", "-cp", System.getProperty("java.class.path"), LoadProcess.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put(RedisEndpoint.ENV, endpoint.url());
        putIfSet(builder, RedisTls.CA_PROPERTY, RedisTls.CA_ENV);
        putIfSet(builder, RedisTls.CLIENT_CERT_PROPERTY, RedisTls.CLIENT_CERT_ENV);
        putIfSet(builder, RedisTls.CLIENT_KEY_PROPERTY, RedisTls.CLIENT_KEY_ENV);
        builder.environment().putAll(tlsEnv);
        return builder;
    }

    private static void putIfSet(ProcessBuilder builder, String property, String env) {
        String value = System.getProperty(property);
        if (value != null && !value.isBlank()) {
            builder.environment().put(env, value);
        }
    }

    private BenchResult.Run runBaseline(RedisClient client, RedisEndpoint endpoint, List<String> ids, int offset, JobSpec spec)
            throws Exception {
        Path script = settings.consumer() != null ? settings.consumer() : Path.of(System.getProperty("eegstream.home", "."))
                .resolve("examples/python/seed_bench_consumer.py").normalize();
        if (!Files.isRegularFile(script)) {
            throw new IllegalArgumentException("the original consumer is not at " + script + ": pass --baseline-consumer PATH");
        }
        RedisURI uri = RedisURI.create(endpoint.url());
        Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), "--host", uri.getHost(), "--port",
                Integer.toString(uri.getPort()), "--users", Integer.toString(settings.users()), "--user-offset",
                Integer.toString(offset), "--fs", Double.toString(settings.rate())).redirectErrorStream(true).start();
        try (StatefulRedisConnection<String, String> admin = client.connect(io.lettuce.core.codec.StringCodec.UTF8)) {
            long deadline = System.nanoTime() + 60_000_000_000L;
            String last = "user:" + ids.get(ids.size() - 1) + ":raw";
            while (admin.sync().pubsubNumsub(last).getOrDefault(last, 0L) < 1) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("the original consumer did not subscribe: "
                            + new String(p.getInputStream().readNBytes(2000)));
                }
                Thread.sleep(100);
            }
            long[] cpu0 = new long[1];
            double[] redisCpu = new double[1];
            try (LatencyRecorder recorder = new LatencyRecorder(client, ids)) {
                Load load = load(endpoint, offset, recorder, () -> {
                    try {
                        cpu0[0] = processCpuTicks(p.pid());
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    redisCpu[0] = redisCpuSeconds(admin);
                });
                recorder.drain(2_000, 60_000);
                BenchResult.Run run = report(load, recorder, spec);
                double consumer = 100.0 * (processCpuTicks(p.pid()) - cpu0[0]) / 100.0 / load.seconds();
                double loadGenerator = 100.0 * load.cpuSeconds() / load.seconds();
                double redis = 100.0 * (redisCpuSeconds(admin) - redisCpu[0]) / load.seconds();
                return run.withCpu(null, consumer, loadGenerator, redis);
            }
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private BenchResult.Run report(Load load, LatencyRecorder recorder, JobSpec spec) {
        double seconds = load.seconds();
        int size = spec.window().size().sampleCount();
        int hop = spec.window().hop().sampleCount();
        // Per user, at most its expected windows count: one user's extra predictions (a window
        // predicted twice) must not cover another's loss. Partial windows are not counted at all.
        long expected = 0;
        long credited = 0;
        for (int u = 0; u < settings.users(); u++) {
            long windows = windowsEndingIn(load.first()[u], load.samples()[u], size, hop);
            expected += windows;
            credited += Math.min(windows, recorder.predictions(u));
        }
        long received = recorder.predictions();
        long measured = load.measured();
        return new BenchResult.Run(measured / seconds, measured / (double) settings.chunk() / seconds,
                credited * (double) hop / seconds, received / seconds, expected, received,
                expected == 0 ? 0 : 1 - (double) credited / expected,
                recorder.latency(), load.lateness(), null, null, 0, 0, null);
    }

    /**
     * How many of a stream's windows ({@code size} samples, every {@code hop}, the first ending
     * at sample {@code size - 1}) end at a sample in {@code [from, published)}.
     */
    static long windowsEndingIn(long from, long published, int size, int hop) {
        if (published < size) {
            return 0;
        }
        long last = (published - size) / hop; // the last complete window
        long firstK = Math.max(0, Math.floorDiv(from - (size - 1) + hop - 1, hop)); // the first ending at or after from
        return Math.max(0, last - firstK + 1);
    }

    /** Redis's CPU seconds so far (user + system), read over a connection opened beforehand. */
    private static double redisCpuSeconds(StatefulRedisConnection<String, String> conn) {
        double cpu = 0;
        for (String line : conn.sync().info("cpu").split("\r?\n")) {
            if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
                cpu += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return cpu;
    }

    /** utime + stime of a process, in clock ticks (100 per second on Linux). */
    private static long processCpuTicks(long pid) throws java.io.IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
