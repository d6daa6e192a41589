package io.github.eegstream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.eegstream.bench.BenchResult;
import io.github.eegstream.bench.PacedBenchmark;
import io.github.eegstream.dsp.Length;
import io.github.eegstream.job.JobOptions;
import io.github.eegstream.redis.RedisEndpoint;
import io.github.eegstream.spec.JobSpec;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code eeg bench}: the job under a paced load of simulated relays, and the original consumer under the same. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measures the job under a paced load of simulated relays.",
            "Drives U simulated relays at HZ (per-sample messages, or chunks with --chunk) through the job running",
            "embedded, and prints throughput, loss, latency, CPU and the load generator's own lateness. Then it",
            "measures the ceiling: what this Redis delivers of the same messages, published unpaced, to a subscriber",
            "that only counts them, and prints the job's rate as a fraction of it. With --baseline it then runs the",
            "original Python consumer on the same load and prints the ratios. With --sink N it measures the sink instead."})
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

    @Option(names = "--ceiling-seconds", defaultValue = "5", paramLabel = "S",
            description = "Seconds of measuring the ceiling (after half as long of warm-up); 0 for none. Default: ${DEFAULT-VALUE}.")
    double ceilingSeconds;

    @Option(names = "--jfr", paramLabel = "FILE",
            description = "Write a JFR recording (profile settings) of the job's process over the measured part.")
    Path jfr;

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
        if (!(ceilingSeconds >= 0)) {
            throw new IllegalArgumentException("--ceiling-seconds must be 0 or more");
        }
        job.setSpecDefault("seed-compatible");
        JobSpec probe = job.resolve();
        if (probe.redis().endpoint().isCluster() && sinkRecords != null) {
            throw new IllegalArgumentException("--sink measures one Redis node; on a cluster run the paced benchmark");
        }
        ObjectMapper mapper = new ObjectMapper();
        if (sinkRecords != null) {
            BenchResult.Sink sink = PacedBenchmark.sink(probe, sinkRecords);
            Screen.println(json ? mapper.writeValueAsString(sink) : String.format(Locale.ROOT,
                    "sink: %.0f records/s pipelined, %.0f records/s with one round trip per record (%d of them): x%.1f",
                    sink.pipelinedPerSecond(), sink.roundTripPerSecond(), Math.max(1, sink.records() / 10), sink.ratio()));
            return 0;
        }
        if (probe.window().size().unit() != Length.Unit.SAMPLES) {
            throw new IllegalArgumentException("the benchmark counts windows in samples: use a spec whose window is in "
                    + "samples, such as seed-compatible");
        }
        PacedBenchmark bench = new PacedBenchmark(new PacedBenchmark.Settings(users, rate, channels, chunk, duration, warmup,
                connections, baseline, consumer, job.tlsEnvironment(), ceilingSeconds, jfr));
        BenchResult result = bench.run(probe, url -> {
            job.setRedisUrl(url);
            return job.resolve();
        });
        Screen.println(json ? mapper.writeValueAsString(result) : table(result));
        return 0;
    }

    /**
     * The load process's command: its credentials go in its environment, never among its
     * arguments ({@link PacedBenchmark#loadProcess}).
     */
    static ProcessBuilder loadProcess(RedisEndpoint endpoint, String... args) {
        return PacedBenchmark.loadProcess(endpoint, java.util.Map.of(), args);
    }

    static String table(BenchResult out) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "%d users x %.0f Hz x %d channels, %s, %.0f s%n", out.users(), out.rateHz(),
                out.channels(), out.chunk() == 1 ? "one message per sample"
                        : out.chunk() + " samples per message", out.durationSeconds()));
        b.append(String.format(Locale.ROOT, "%-10s %12s %12s %10s %8s %8s %8s %8s  %s%n", "", "offered/s", "consumed/s",
                "loss", "p50 ms", "p95 ms", "p99 ms", "max ms", "CPU % (CPU s per M samples)"));
        String[] names = {"eegstream", "baseline"};
        BenchResult.Run[] runs = {out.eegstream(), out.baseline()};
        for (int i = 0; i < runs.length; i++) {
            BenchResult.Run r = runs[i];
            if (r == null) {
                continue;
            }
            BenchResult.Latency l = r.latencyMillis();
            BenchResult.CpuPerMillion m = r.cpuSecondsPerMillionSamples();
            boolean job = r.cpuPercentJob() != null;
            String cpu = String.format(Locale.ROOT, "%s %.0f (%s), load %.0f (%s), redis %.0f (%s)", job ? "job" : "consumer",
                    job ? r.cpuPercentJob() : r.cpuPercentConsumer(), perMillion(m == null ? null : job ? m.job() : m.consumer()),
                    r.cpuPercentLoadGenerator(), perMillion(m == null ? null : m.loadGenerator()), r.cpuPercentRedis(),
                    perMillion(m == null ? null : m.redis()));
            b.append(String.format(Locale.ROOT, "%-10s %12.0f %12.0f %10.4f %8.1f %8.1f %8.1f %8.1f  %s%n", names[i],
                    r.offeredSamplesPerSecond(), r.consumedSamplesPerSecond(), r.lossRatio(), l.p50(), l.p95(), l.p99(),
                    l.max(), cpu));
            BenchResult.Latency late = r.loadGeneratorLatenessMillis();
            if (late != null) {
                b.append(String.format(Locale.ROOT, "%-10s %12s %12s %10s %8.1f %8.1f %8.1f %8.1f  (the load generator's "
                        + "lateness against its schedule)%n", "", "", "", "", late.p50(), late.p95(), late.p99(), late.max()));
            }
        }
        if (out.jobCounters() != null) {
            b.append("the job counted over its whole run, warm-up included: ").append(out.jobCounters().entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue()).collect(java.util.stream.Collectors.joining(", ")))
                    .append(String.format(Locale.ROOT, "%n"));
        }
        if (out.ceilingSamplesPerSecond() != null) {
            b.append(String.format(Locale.ROOT, "ceiling: %.0f samples/s delivered by Redis to a subscriber that only counts; "
                    + "eegstream consumed %.2f of it%n", out.ceilingSamplesPerSecond(), out.fractionOfCeiling()));
        }
        if (out.ratio() != null) {
            b.append(String.format(Locale.ROOT, "eegstream / baseline: consumed samples/s x%.2f, p99 latency %.1fx lower%n",
                    out.ratio().consumedSamplesPerSecond(), out.ratio().p99Latency()));
        }
        if (out.redisNodes() != null) {
            for (java.util.Map<String, Object> n : out.redisNodes()) {
                b.append(String.format(Locale.ROOT, "redis node %-21s %-7s CPU %5.1f %%  egress %7.2f MB/s  ingress %7.2f MB/s"
                        + "  %8.0f commands/s%n", n.get("node"), n.get("role"), n.get("cpu_percent"), n.get("egress_mb_per_s"),
                        n.get("ingress_mb_per_s"), n.get("commands_per_s")));
            }
        }
        return b.toString().stripTrailing();
    }

    private static String perMillion(Double seconds) {
        return seconds == null ? "-" : String.format(Locale.ROOT, "%.2f", seconds);
    }
}
