package io.github.eegstream.cli;

import io.github.eegstream.job.EmbeddedFlink;
import io.github.eegstream.job.JobOptions;
import io.github.eegstream.spec.JobSpec;
import io.github.eegstream.redis.LocalRedis;
import io.github.eegstream.redis.RedisEndpoint;
import io.github.eegstream.relay.Relay;
import io.github.eegstream.relay.SimulatedSource;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code eeg demo}: Redis, the job and simulated relays, all in one process. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs the whole chain here: the prediction job and N simulated relays.",
            "The job runs with the Flink web UI; each relay prints the predictions it receives.",
            "Uses the Redis at --redis or $REDIS_URL, or starts an embedded one if none answers."})
final class DemoCommand implements Callable<Integer> {

    private static final String[] NAMES = {"alex", "jamie", "sam", "robin", "kim", "noor", "lee", "ana", "max", "ira"};

    @Option(names = "--users", defaultValue = "3", paramLabel = "N", description = "Simulated users. Default: ${DEFAULT-VALUE}.")
    int users;

    @Mixin
    StreamOptions stream;

    @Option(names = "--web-port", defaultValue = "8081", paramLabel = "PORT",
            description = "Port of the Flink web UI (another free one is used if it is taken). Default: ${DEFAULT-VALUE}.")
    int webPort;

    @Mixin
    JobOptions job;

    @Override
    public Integer call() throws Exception {
        if (users < 1) {
            throw new IllegalArgumentException("--users must be at least 1");
        }
        Duration duration = stream.duration();
        long started = System.nanoTime();
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown(); // Ctrl-C: let the main thread shut everything down, then exit 0
            try {
                stopped.await(15, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            Runtime.getRuntime().halt(0);
        }));

        JobSpec probe = job.resolve();
        RedisEndpoint preferred = probe.redis().endpoint();
        try (LocalRedis redis = LocalRedis.reachableOrEmbedded(preferred)) {
            Screen.println(redis.isEmbedded()
                    ? "No Redis answered at " + preferred + "; started an embedded Redis at " + redis.endpoint()
                    : "Using the Redis at " + redis.endpoint());
            job.setRedisUrl(redis.endpoint().url());
            JobSpec spec = job.resolve();
            int port = webPort;
            if (port != 0 && !EmbeddedFlink.isFree("127.0.0.1", port)) {
                Screen.println("Port " + port + " is taken; the web UI will use another free port.");
                port = 0;
            }
            EmbeddedFlink.Running running = EmbeddedFlink.start(spec, port);
            Screen.println("Prediction job RUNNING (" + spec.description() + ")");
            Screen.println("Flink web UI: " + running.webUrl());
            List<Relay> relays = startRelays(redis.endpoint());
            Screen.println(String.format(Locale.ROOT, "Started %d simulated relay%s in %.1f s; predictions follow%s",
                    users, users == 1 ? "" : "s", (System.nanoTime() - started) / 1e9,
                    duration == null ? " (Ctrl-C stops)" : " for " + duration.toMillis() / 1000.0 + " s"));
            try {
                if (duration == null) {
                    stop.await();
                } else {
                    stop.await(duration.toMillis(), TimeUnit.MILLISECONDS);
                }
            } finally {
                shutdown(relays, running);
                stopped.countDown();
            }
        }
        return 0;
    }

    private List<Relay> startRelays(RedisEndpoint endpoint) {
        // On a Redis Cluster the relays share one cluster client (sharded pub/sub).
        io.lettuce.core.cluster.RedisClusterClient cluster = endpoint.isCluster() ? endpoint.createClusterClient("eegstream-demo") : null;
        RedisClient client = cluster == null ? endpoint.createClient() : null;
        List<Relay> relays = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            String user = i < NAMES.length ? NAMES[i] : "user" + (i + 1);
            SimulatedSource source = new SimulatedSource(stream.channels, stream.rate, i + 1);
            // Spread the users over low to high workload, so their predictions differ visibly.
            source.eeg().setWorkload(users == 1 ? 0.5 : 0.1 + 0.8 * i / (users - 1));
            Relay.Options options = new Relay.Options(user, stream.chunk, null);
            relays.add((cluster != null ? new Relay(options, source, endpoint, cluster, Screen::println)
                    : new Relay(options, source, client, Screen::println)).start());
        }
        return relays;
    }

    private static void shutdown(List<Relay> relays, EmbeddedFlink.Running running) {
        long samples = 0;
        long received = 0;
        for (Relay relay : relays) {
            relay.close();
            samples += relay.samplesPublished();
            received += relay.messagesReceived();
        }
        try {
            running.job().cancel().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            Screen.println("Could not cancel the job cleanly: " + e.getMessage());
        }
        Screen.println("Demo stopped: " + samples + " samples published, " + received + " predictions received.");
    }

}
