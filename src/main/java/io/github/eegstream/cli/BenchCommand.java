package io.github.eegstream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.eegstream.bench.LatencyRecorder;
import io.github.eegstream.dsp.Length;
import io.github.eegstream.job.EmbeddedFlink;
import io.github.eegstream.job.JobOptions;
import io.github.eegstream.spec.JobSpec;
import io.github.eegstream.redis.LocalRedis;
import io.github.eegstream.redis.RedisEndpoint;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code eeg bench}: the job under a paced load of simulated relays, and the original consumer under the same. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measures the job under a paced load of simulated relays.",
            "Drives U simulated relays at HZ (per-sample messages, or chunks with --chunk) through the job running",
            "embedded, and prints throughput, loss, latency and CPU. With --baseline it then runs the original",
            "Python consumer on the same load and prints the ratios. With --sink N it measures the sink instead."})
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--users", defaultValue = "100", paramLabel = "U", description = "Simulated users. Default: ${DEFAULT-VALUE}.")
    int users;

    @Option(names = "--rate", defaultValue = "256", paramLabel = "HZ", description = "Samples per second per user. Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(names = "--channels", defaultValue = "8", paramLabel = "C", description = "Channels. Default: ${DEFAULT-VALUE}.")
    int channels;

    @Option(names = "--chunk", defaultValue = "1", paramLabel = "K", description = "Samples per message. Default: ${DEFAULT-VALUE}.")
    int chunk;

    @Option(names = "--duration", defaultValue = "20", paramLabel = "S", description = "Seconds of load. Default: ${DEFAULT-VALUE}.")
    double duration;

    @Option(names = "--warmup", defaultValue = "10", paramLabel = "S",
            description = "Seconds of load before measuring, so the JIT has compiled the hot path. Default: ${DEFAULT-VALUE}.")
    double warmup;

    @Option(names = "--connections", defaultValue = "2", paramLabel = "N", description = "Publishing connections. Default: ${DEFAULT-VALUE}.")
    int connections;

    @Option(names = "--baseline", description = "Also run the original Python consumer on the same load (per-sample only).")
    boolean baseline;

    @Option(names = "--baseline-consumer", paramLabel = "PATH",
            description = "The original consumer (default: examples/python/seed_bench_consumer.py in the project).")
    Path consumer;

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Option(names = "--sink", paramLabel = "N",
            description = "Instead: N records through the sink, and through a sink waiting for each reply, in the same run.")
    Long sinkRecords;

    @Mixin
    JobOptions job;

    @Override
    public Integer call() throws Exception {
        if (users < 1 || chunk < 1 || !(duration > 0) || !(rate > 0)) {
            throw new IllegalArgumentException("--users, --chunk, --duration and --rate must be positive");
        }
        job.setSpecDefault("seed-compatible");
        JobSpec probe = job.resolve();
        if (sinkRecords != null) {
            return benchSink(probe);
        }
        if (probe.window().size().unit() != Length.Unit.SAMPLES) {
            throw new IllegalArgumentException("the benchmark counts windows in samples: use a spec whose window is in "
                    + "samples, such as seed-compatible");
        }
        int offset = ThreadLocalRandom.current().nextInt(1_000_000, 9_000_000);
        List<String> ids = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            ids.add(Integer.toString(offset + u)); // numeric, as the original consumer names its users
        }
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode out = mapper.createObjectNode();
        out.put("users", users).put("rate_hz", rate).put("channels", channels).put("chunk", chunk).put("duration_s", duration);
        try (LocalRedis redis = LocalRedis.reachableOrEmbedded(probe.redis().endpoint())) {
            job.setRedisUrl(redis.endpoint().url());
            JobSpec spec = job.resolve();
            RedisClient client = redis.endpoint().createClient();
            try {
                ObjectNode ours = out.putObject("eegstream");
                EmbeddedFlink.Running running = EmbeddedFlink.start(spec, 0);
                try {
                    measure(client, redis.endpoint(), ids, offset, spec, ours);
                } finally {
                    running.job().cancel().get(30, TimeUnit.SECONDS);
                }
                if (baseline) {
                    if (chunk != 1) {
                        throw new IllegalArgumentException("the original consumer reads per-sample messages only: --baseline needs --chunk 1");
                    }
                    ObjectNode theirs = out.putObject("baseline");
                    runBaseline(client, redis.endpoint(), ids, offset, spec, theirs);
                    ObjectNode ratio = out.putObject("ratio");
                    ratio.put("consumed_samples_per_s", ours.get("consumed_samples_per_s").asDouble()
                            / Math.max(1e-9, theirs.get("consumed_samples_per_s").asDouble()));
                    ratio.put("p99_latency", theirs.get("latency_ms").get("p99").asDouble()
                            / Math.max(1e-9, ours.get("latency_ms").get("p99").asDouble()));
                }
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        }
        Screen.println(json ? mapper.writeValueAsString(out) : table(out));
        return 0;
    }

    /** The pipelined sink against one round trip per record, same records, same run. */
    private int benchSink(JobSpec probe) throws Exception {
        try (LocalRedis redis = LocalRedis.reachableOrEmbedded(probe.redis().endpoint())) {
            long n = sinkRecords;
            double roundTrip = io.github.eegstream.bench.SinkBenchmark.run(redis.endpoint(), probe, Math.max(1, n / 10), true);
            double pipelined = io.github.eegstream.bench.SinkBenchmark.run(redis.endpoint(), probe, n, false);
            ObjectNode out = new ObjectMapper().createObjectNode();
            out.put("records", n).put("pipelined_per_s", pipelined).put("round_trip_per_s", roundTrip)
                    .put("ratio", pipelined / roundTrip);
            Screen.println(json ? out.toString() : String.format(Locale.ROOT,
                    "sink: %.0f records/s pipelined, %.0f records/s with one round trip per record (%d of them): x%.1f",
                    pipelined, roundTrip, Math.max(1, n / 10), pipelined / roundTrip));
        }
        return 0;
    }

    private void measure(RedisClient client, RedisEndpoint endpoint, List<String> ids, int offset, JobSpec spec,
            ObjectNode out) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long[] processCpu = new long[1];
        double[] redisCpu = new double[1];
        try (LatencyRecorder recorder = new LatencyRecorder(client, ids)) {
            Load load = load(endpoint, offset, () -> {
                recorder.reset();
                processCpu[0] = os.getProcessCpuTime();
                redisCpu[0] = redisCpuSeconds(endpoint);
            });
            recorder.drain(2_000, 30_000);
            report(out, load, recorder, spec);
            out.put("cpu_percent_job", 100.0 * (os.getProcessCpuTime() - processCpu[0]) / 1e9 / load.seconds());
            out.put("cpu_percent_load_generator", 100.0 * load.cpuSeconds() / load.seconds());
            out.put("cpu_percent_redis", 100.0 * (redisCpuSeconds(endpoint) - redisCpu[0]) / load.seconds());
        }
    }

    /** What a load process published in its measured part. */
    private record Load(long[] samples, double cpuSeconds, double seconds) {
        long total() {
            return java.util.Arrays.stream(samples).sum();
        }
    }

    /**
     * Runs the load in its own JVM (see LoadProcess): warm-up, then the measured part, which
     * {@code onMeasuring} is called at the start of.
     */
    private Load load(RedisEndpoint endpoint, int offset, Runnable onMeasuring) throws Exception {
        Process p = loadProcess(endpoint, job.tlsEnvironment(), Integer.toString(offset), Integer.toString(users), Double.toString(rate),
                Integer.toString(channels), Integer.toString(chunk), Integer.toString(connections), Double.toString(warmup),
                Double.toString(duration)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        java.io.BufferedReader lines = new java.io.BufferedReader(
                new java.io.InputStreamReader(p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
        String result = null;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (line.equals("measuring")) {
                onMeasuring.run();
            } else if (line.startsWith("{")) {
                result = line;
            }
        }
        if (p.waitFor() != 0 || result == null) {
            throw new IllegalStateException("the load process failed (exit " + p.exitValue() + ")");
        }
        var json = new ObjectMapper().readTree(result);
        long[] samples = new long[users];
        for (int u = 0; u < users; u++) {
            samples[u] = json.get("samples").get(u).asLong();
        }
        return new Load(samples, json.get("cpu_s").asDouble(), json.get("seconds").asDouble());
    }

    /**
     * The load process's command: its credentials (the URL, and where the TLS files are) go in its
     * environment, which only its owner can read, never among its arguments, which {@code ps} shows
     * to every user of the machine.
     */
    static ProcessBuilder loadProcess(RedisEndpoint endpoint, String... args) {
        return loadProcess(endpoint, java.util.Map.of(), args);
    }

    /** As {@link #loadProcess(RedisEndpoint, String...)}, with the command's TLS options as {@code tlsEnv}. */
    static ProcessBuilder loadProcess(RedisEndpoint endpoint, java.util.Map<String, String> tlsEnv, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                io.github.eegstream.bench.LoadProcess.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put(RedisEndpoint.ENV, endpoint.url());
        putIfSet(builder, io.github.eegstream.redis.RedisTls.CA_PROPERTY, io.github.eegstream.redis.RedisTls.CA_ENV);
        putIfSet(builder, io.github.eegstream.redis.RedisTls.CLIENT_CERT_PROPERTY, io.github.eegstream.redis.RedisTls.CLIENT_CERT_ENV);
        putIfSet(builder, io.github.eegstream.redis.RedisTls.CLIENT_KEY_PROPERTY, io.github.eegstream.redis.RedisTls.CLIENT_KEY_ENV);
        builder.environment().putAll(tlsEnv);
        return builder;
    }

    private static void putIfSet(ProcessBuilder builder, String property, String env) {
        String value = System.getProperty(property);
        if (value != null && !value.isBlank()) {
            builder.environment().put(env, value);
        }
    }

    private void runBaseline(RedisClient client, RedisEndpoint endpoint, List<String> ids, int offset, JobSpec spec,
            ObjectNode out) throws Exception {
        Path script = consumer != null ? consumer : Path.of(System.getProperty("eegstream.home", "."))
                .resolve("examples/python/seed_bench_consumer.py").normalize();
        if (!Files.isRegularFile(script)) {
            throw new IllegalArgumentException("the original consumer is not at " + script + ": pass --baseline-consumer PATH");
        }
        RedisURI uri = RedisURI.create(endpoint.url());
        Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), "--host", uri.getHost(), "--port",
                Integer.toString(uri.getPort()), "--users", Integer.toString(users), "--user-offset", Integer.toString(offset),
                "--fs", Double.toString(rate)).redirectErrorStream(true).start();
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
                Load load = load(endpoint, offset, () -> {
                    recorder.reset();
                    try {
                        cpu0[0] = processCpuTicks(p.pid());
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    redisCpu[0] = redisCpuSeconds(endpoint);
                });
                recorder.drain(2_000, 60_000);
                report(out, load, recorder, spec);
                out.put("cpu_percent_consumer", 100.0 * (processCpuTicks(p.pid()) - cpu0[0]) / 100.0 / load.seconds());
                out.put("cpu_percent_load_generator", 100.0 * load.cpuSeconds() / load.seconds());
                out.put("cpu_percent_redis", 100.0 * (redisCpuSeconds(endpoint) - redisCpu[0]) / load.seconds());
            }
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private void report(ObjectNode out, Load load, LatencyRecorder recorder, JobSpec spec) {
        double seconds = load.seconds();
        int size = spec.window().size().sampleCount();
        int hop = spec.window().hop().sampleCount();
        long expected = 0;
        for (int u = 0; u < users; u++) {
            long n = load.samples()[u];
            expected += n >= size ? (n - size) / hop + 1 : 0;
        }
        long received = recorder.predictions();
        out.put("offered_samples_per_s", load.total() / seconds);
        out.put("messages_per_s", load.total() / (double) chunk / seconds);
        out.put("consumed_samples_per_s", Math.min(received, expected) * (double) hop / seconds);
        out.put("predictions_per_s", received / seconds);
        out.put("predictions_expected", expected);
        out.put("predictions_received", received);
        out.put("loss_ratio", expected == 0 ? 0 : Math.max(0, 1 - (double) received / expected));
        ObjectNode latency = out.putObject("latency_ms");
        latency.put("p50", recorder.percentile(50));
        latency.put("p95", recorder.percentile(95));
        latency.put("p99", recorder.percentile(99));
        latency.put("max", recorder.percentile(100));
    }

    private static double redisCpuSeconds(RedisEndpoint endpoint) {
        RedisClient c = endpoint.createClient();
        try (StatefulRedisConnection<String, String> conn = c.connect()) {
            double cpu = 0;
            for (String line : conn.sync().info("cpu").split("\r?\n")) {
                if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
                    cpu += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            return cpu;
        } finally {
            c.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    /** utime + stime of a process, in clock ticks (100 per second on Linux). */
    private static long processCpuTicks(long pid) throws java.io.IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static String table(ObjectNode out) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "%d users x %.0f Hz x %d channels, %s, %.0f s%n", out.get("users").asInt(), out.get("rate_hz").asDouble(),
                out.get("channels").asInt(), out.get("chunk").asInt() == 1 ? "one message per sample"
                        : out.get("chunk").asInt() + " samples per message", out.get("duration_s").asDouble()));
        b.append(String.format(Locale.ROOT, "%-10s %12s %12s %10s %8s %8s %8s %8s  %s%n", "", "offered/s", "consumed/s",
                "loss", "p50 ms", "p95 ms", "p99 ms", "max ms", "CPU %"));
        for (String name : List.of("eegstream", "baseline")) {
            if (!out.has(name)) {
                continue;
            }
            var r = out.get(name);
            var l = r.get("latency_ms");
            String cpu = r.has("cpu_percent_job")
                    ? String.format(Locale.ROOT, "job %.0f, load %.0f, redis %.0f", r.get("cpu_percent_job").asDouble(),
                            r.get("cpu_percent_load_generator").asDouble(), r.get("cpu_percent_redis").asDouble())
                    : String.format(Locale.ROOT, "consumer %.0f, load %.0f, redis %.0f", r.get("cpu_percent_consumer").asDouble(),
                            r.get("cpu_percent_load_generator").asDouble(), r.get("cpu_percent_redis").asDouble());
            b.append(String.format(Locale.ROOT, "%-10s %12.0f %12.0f %10.4f %8.1f %8.1f %8.1f %8.1f  %s%n", name,
                    r.get("offered_samples_per_s").asDouble(), r.get("consumed_samples_per_s").asDouble(),
                    r.get("loss_ratio").asDouble(), l.get("p50").asDouble(), l.get("p95").asDouble(), l.get("p99").asDouble(),
                    l.get("max").asDouble(), cpu));
        }
        if (out.has("ratio")) {
            b.append(String.format(Locale.ROOT, "eegstream / baseline: consumed samples/s x%.2f, p99 latency %.1fx lower%n",
                    out.get("ratio").get("consumed_samples_per_s").asDouble(), out.get("ratio").get("p99_latency").asDouble()));
        }
        return b.toString().stripTrailing();
    }
}
