package io.github.eegstream.cli;

import io.github.eegstream.redis.RedisEndpoint;
import io.github.eegstream.relay.Relay;
import io.github.eegstream.relay.SampleSource;
import io.github.eegstream.relay.SimulatedSource;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code eeg relay}: the edge relay. */
@Command(name = "relay", mixinStandardHelpOptions = true,
        description = {"Publishes EEG samples to user:ID:raw and shows the predictions, commands and alerts that come back.",
            "Commands obeyed (on user:ID:commands): pause, resume, stop, set {\"workload\": 0.8}."})
final class RelayCommand implements Callable<Integer> {

    /** Where samples come from. */
    enum SourceKind { sim, lsl, file }

    @Option(names = "--user", required = true, paramLabel = "ID", description = "User id (letters, digits, _ . -).")
    String user;

    @Option(names = "--source", defaultValue = "sim", paramLabel = "KIND",
            description = "Sample source: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    SourceKind source;

    @picocli.CommandLine.Parameters(arity = "0..1", paramLabel = "FILE",
            description = "With --source file: the recording to replay (.bdf or .edf from eeg record, or .csv).")
    java.nio.file.Path file;

    @Option(names = "--speed", defaultValue = "1", paramLabel = "X",
            description = "With --source file: replay X times as fast as recorded. Default: ${DEFAULT-VALUE}.")
    double speed;

    @Option(names = "--xdf-stream", paramLabel = "NAME",
            description = "With --source file and an XDF file: the stream to replay. Default: the one named like --user, else the first EEG stream.")
    String xdfStream;

    @Option(names = "--workload", defaultValue = "0.3", paramLabel = "W",
            description = "Simulated mental workload, 0 to 1 (sim). Default: ${DEFAULT-VALUE}.")
    double workload;

    @Option(names = "--lsl-type", paramLabel = "TYPE", description = "LSL: the stream's type (default EEG when nothing else is given).")
    String lslType;

    @Option(names = "--lsl-name", paramLabel = "NAME", description = "LSL: the stream's name.")
    String lslName;

    @Option(names = "--lsl-source-id", paramLabel = "ID", description = "LSL: the stream's source_id.")
    String lslSourceId;

    @Option(names = "--lsl-query", paramLabel = "XPATH", description = "LSL: any predicate, e.g. \"channel_count>=8\".")
    String lslQuery;

    @Option(names = "--lsl-timeout", defaultValue = "5", paramLabel = "S", description = "LSL: seconds to look for the stream. Default: ${DEFAULT-VALUE}.")
    double lslTimeout;

    @Option(names = "--lsl-peer", paramLabel = "HOST", description = "LSL: also ask this host directly (no multicast); repeatable.")
    java.util.List<String> lslPeers = new java.util.ArrayList<>();

    @Option(names = "--buffer-seconds", defaultValue = "60", paramLabel = "S",
            description = "Samples held while Redis is unreachable, sent in order when it is back; beyond this the oldest are dropped. Default: ${DEFAULT-VALUE}.")
    double bufferSeconds;

    @Option(names = "--durable", description = "Also append every message to the Redis Stream user:ID:raw, for a job in streams mode (see README).")
    boolean durable;

    @Option(names = "--retention-seconds", defaultValue = "600", paramLabel = "S",
            description = "How long stream entries are kept (--durable). Default: ${DEFAULT-VALUE}.")
    double retentionSeconds;

    @Option(names = "--features", description = "Also compute the job's features here and publish them to user:ID:features (no job needed), with the windows and features of --spec.")
    boolean features;

    @Option(names = "--spec", defaultValue = "default", paramLabel = "SPEC",
            description = "With --features: the job spec whose windows and features to compute (a built-in name or a YAML file). Default: ${DEFAULT-VALUE}.")
    String spec;

    @Mixin
    StreamOptions stream;

    @Mixin
    RedisOption redis;

    @Override
    public Integer call() throws Exception {
        Relay.Options options = new Relay.Options(user, stream.chunk, stream.duration())
                .withBuffer(positiveSeconds("--buffer-seconds", bufferSeconds))
                .withDurableRetention(durable ? positiveSeconds("--retention-seconds", retentionSeconds) : null);
        SampleSource samples = openSource();
        RedisEndpoint endpoint = redis.endpoint();
        if (endpoint.isCluster() && (features || durable)) {
            throw new IllegalArgumentException((features ? "--features" : "--durable") + " is not supported on a Redis Cluster yet");
        }
        io.lettuce.core.cluster.RedisClusterClient cluster = endpoint.isCluster() ? endpoint.createClusterClient("relay-" + user) : null;
        RedisClient client = cluster != null ? null : endpoint.createClient();
        if (features) {
            io.github.eegstream.spec.JobSpec job = io.github.eegstream.spec.JobSpecs.load(spec);
            samples = new io.github.eegstream.relay.EdgeFeatures(samples, user, job.window().windowing(), job.analysis(), client);
            Screen.println("relay " + user + ": features of spec " + job.name() + " -> user:" + user + ":features");
        } else if (!"default".equals(spec)) {
            throw new IllegalArgumentException("--spec is for --features");
        }
        try (Relay relay = cluster != null ? new Relay(options, samples, endpoint, cluster, Screen::println)
                : new Relay(options, samples, client, Screen::println)) {
            Screen.println("relay " + user + ": " + samples.describe() + " -> user:" + user + ":raw ("
                    + (stream.chunk == 1 ? "one message per sample" : stream.chunk + " samples per message")
                    + (durable ? ", also to the stream user:" + user + ":raw (kept " + options.durableRetention().toSeconds() + " s)" : "")
                    + ") at " + endpoint);
            Screen.println("relay " + user + ": showing user:" + user + ":predictions, :commands and :alerts; Ctrl-C stops");
            Thread shutdown = new Thread(relay::stop);
            Runtime.getRuntime().addShutdownHook(shutdown);
            relay.start().awaitFinished();
            Screen.println("relay " + user + ": published " + relay.samplesPublished() + " samples, received "
                    + relay.messagesReceived() + " messages" + (relay.messagesRejected() > 0
                            ? ", ignored " + relay.messagesRejected() + " bad ones" : "")
                    + (relay.samplesDropped() > 0 ? ", dropped " + relay.samplesDropped() + " samples (buffer full)" : ""));
            try {
                Runtime.getRuntime().removeShutdownHook(shutdown);
            } catch (IllegalStateException alreadyShuttingDown) {
                // Ctrl-C: the hook has run
            }
            return relay.failure() == null ? 0 : 1;
        } finally {
            if (cluster != null) {
                cluster.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            } else {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            }
        }
    }

    private static Duration positiveSeconds(String option, double seconds) {
        if (!(seconds > 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException(option + " must be a positive number of seconds, was " + seconds);
        }
        return Duration.ofMillis(Math.round(seconds * 1000));
    }

    private SampleSource openSource() throws java.io.IOException {
        if (source == SourceKind.file) {
            if (file == null) {
                throw new IllegalArgumentException("--source file needs the recording: eeg relay --user ID --source file FILE.bdf");
            }
            return new io.github.eegstream.relay.FileSource(file, stream.rate, speed, xdfStream != null ? xdfStream : user);
        }
        if (file != null) {
            throw new IllegalArgumentException("a FILE is only read with --source file");
        }
        if (source == SourceKind.lsl) {
            java.util.List<java.net.InetAddress> peers = new java.util.ArrayList<>();
            for (String p : lslPeers) {
                peers.add(java.net.InetAddress.getByName(p));
            }
            return new io.github.eegstream.relay.LslSource(lslQuery(), new io.github.eegstream.lsl.LslResolver(peers),
                    Duration.ofMillis(Math.round(lslTimeout * 1000)), line -> Screen.println("relay " + user + ": " + line));
        }
        SimulatedSource sim = new SimulatedSource(stream.channels, stream.rate, user.hashCode());
        sim.eeg().setWorkload(workload);
        return sim;
    }

    /** The LSL predicate from the options: each given property must match. */
    private String lslQuery() {
        java.util.List<String> terms = new java.util.ArrayList<>();
        if (lslName != null) {
            terms.add("name='" + quote(lslName) + "'");
        }
        if (lslType != null) {
            terms.add("type='" + quote(lslType) + "'");
        }
        if (lslSourceId != null) {
            terms.add("source_id='" + quote(lslSourceId) + "'");
        }
        if (lslQuery != null) {
            terms.add("(" + lslQuery + ")");
        }
        return terms.isEmpty() ? "type='EEG'" : String.join(" and ", terms);
    }

    private static String quote(String value) {
        if (value.contains("'")) {
            throw new IllegalArgumentException("LSL names, types and source ids cannot contain a quote (')");
        }
        return value;
    }
}
