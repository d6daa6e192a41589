package io.github.eegstream.job;

import io.github.eegstream.spec.JobSpec;
import io.github.eegstream.spec.JobSpecs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.redis.LocalRedis;
import io.github.eegstream.relay.Relay;
import io.github.eegstream.relay.SimulatedSource;
import io.github.eegstream.testing.ChannelRecorder;
import io.github.eegstream.testing.RunningJob;
import io.github.eegstream.testing.TestFlink;
import io.github.eegstream.testing.TestRedis;
import io.github.eegstream.wire.Alert;
import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.Prediction;
import io.github.eegstream.wire.RawSamples;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redis goes away in the middle of a session and comes back empty, as after a crash: the relay
 * holds its samples and sends them all, the job reconnects by itself and predicts every window.
 * Runs on a redis-server of its own, which it stops and starts.
 */
class RedisOutageTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.miniCluster();

    private static final double RATE = 256;

    @Test
    void relayLosesNoSampleAndJobPredictsEveryWindowAcrossARedisRestart() throws Exception {
        String user = TestRedis.uniqueUser("outage");
        List<String> screen = new CopyOnWriteArrayList<>();
        try (LocalRedis redis = LocalRedis.startEmbedded()) {
            RedisClient client = redis.endpoint().createClient();
            JobSpec base = JobSpecs.load("default").withRedisUrl(redis.endpoint().url());
            // A stall timeout longer than the outage keeps each user's windows across it.
            JobSpec spec = base.withWindow(new JobSpec.Window(base.window().size(), base.window().hop(),
                    Duration.ofSeconds(30), true, base.window().gapAlert(), base.window().clockJump()));
            try (RunningJob job = RunningJob.start(spec);
                    ChannelRecorder raw = new ChannelRecorder(client, Channel.of(user, ChannelKind.RAW));
                    ChannelRecorder out = new ChannelRecorder(client, Channel.of(user, ChannelKind.PREDICTIONS),
                            Channel.of(user, ChannelKind.ALERTS));
                    Relay relay = new Relay(new Relay.Options(user, 1, null), new SimulatedSource(8, RATE, 7), client,
                            screen::add).start()) {
                Channel predictions = Channel.of(user, ChannelKind.PREDICTIONS);
                assertTrue(out.<Prediction>await(predictions, l -> l.size() >= 3, Duration.ofSeconds(30)), "predictions before");

                redis.stop();
                Thread.sleep(4000);
                redis.restart();

                assertTrue(io.github.eegstream.testing.Lines.await(screen, l -> l.contains("caught up; no sample lost"), Duration.ofSeconds(30)),
                        "the relay sends everything it held: " + relayLines(screen));
                double caughtUp = lastTimestamp(raw, user);
                assertTrue(out.<Prediction>await(predictions, l -> last(l) > caughtUp, Duration.ofSeconds(30)),
                        "predictions after the outage");
                relay.stop();
                assertTrue(relay.awaitFinished(Duration.ofSeconds(10)));
                Thread.sleep(500);

                // Every sample arrived, in order, with no hole: the outage is invisible in the data. The
                // last second before it may arrive twice (the relay sends it again; the job drops repeats).
                List<Double> stamps = raw.<RawSamples>received(Channel.of(user, ChannelKind.RAW)).stream()
                        .map(m -> m.timestamps()[0]).toList();
                java.util.TreeSet<Double> distinct = new java.util.TreeSet<>(stamps);
                assertEquals(relay.samplesPublished(), distinct.size(), "every published sample arrived");
                // The last second acknowledged, and the few messages in flight when the connection dropped.
                assertTrue(stamps.size() - distinct.size() <= RATE + 16, "at most a second repeated: "
                        + (stamps.size() - distinct.size()));
                Double previous = null;
                for (double t : distinct) {
                    assertTrue(previous == null || t - previous < 1.5 / RATE, "no hole after " + previous + ": " + t);
                    previous = t;
                }
                assertEquals(0, relay.samplesDropped());
                assertTrue(screen.stream().anyMatch(l -> l.contains("lost the connection to Redis")), relayLines(screen));
                assertTrue(screen.stream().anyMatch(l -> l.contains("Redis is back after")), relayLines(screen));

                // The job stayed up, and every 0.5 s window through the outage was predicted once.
                assertEquals(JobStatus.RUNNING, job.status());
                List<Prediction> seen = out.received(predictions);
                for (int i = 1; i < seen.size(); i++) {
                    double hop = seen.get(i).timestamp() - seen.get(i - 1).timestamp();
                    assertTrue(Math.abs(hop - 0.5) < 0.01, "window " + i + " comes 0.5 s after the one before, not " + hop);
                }
                List<Alert> alerts = out.received(Channel.of(user, ChannelKind.ALERTS));
                assertTrue(alerts.stream().noneMatch(a -> a.alertType().equals("samples_missing")),
                        "nothing was missing: " + alerts);
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            }
        }
    }

    /**
     * Only the job's connection drops (as when Redis cuts a slow subscriber), again and again for
     * a second, while the relay goes on: the samples published meanwhile never reach the job, and
     * the user gets a {@code samples_missing} alert saying how long; predictions go on.
     */
    @Test
    void samplesTheJobMissedRaiseSamplesMissingForTheUserAffected() throws Exception {
        String user = TestRedis.uniqueUser("missed");
        Channel alerts = Channel.of(user, ChannelKind.ALERTS);
        Channel predictions = Channel.of(user, ChannelKind.PREDICTIONS);
        try (RunningJob job = RunningJob.start("default");
                ChannelRecorder out = new ChannelRecorder(alerts, predictions);
                Relay relay = new Relay(new Relay.Options(user, 1, null), new SimulatedSource(8, RATE, 9), TestRedis.client(),
                        line -> { }).start();
                var admin = TestRedis.client().connect()) {
            assertTrue(out.<Prediction>await(predictions, l -> l.size() >= 2, Duration.ofSeconds(30)));
            // Cut the source's connection and keep it out for a second: Redis takes no new
            // connection meanwhile (maxclients at what is connected), while the relay's stays.
            String maxClients = admin.sync().configGet("maxclients").get("maxclients");
            int kills = 0;
            try {
                List<Long> ids = new java.util.ArrayList<>();
                for (String client : admin.sync().clientList().split("\n")) {
                    if (client.contains(" name=eegstream-source-") && !client.contains(" psub=0 ")) {
                        ids.add(Long.parseLong(client.substring(client.indexOf("id=") + 3, client.indexOf(' ', client.indexOf("id=")))));
                    }
                }
                String info = admin.sync().info("clients");
                int connected = Integer.parseInt(info.replaceAll("(?s).*connected_clients:(\\d+).*", "$1"));
                // Room for no one once those are gone: their reconnects are refused until it is restored.
                admin.sync().configSet("maxclients", Integer.toString(Math.max(1, connected - ids.size())));
                for (long id : ids) {
                    admin.sync().clientKill(io.lettuce.core.KillArgs.Builder.id(id));
                    kills++;
                }
                Thread.sleep(1_200); // the outage itself: its length is the point, not a wait for something
            } finally {
                admin.sync().configSet("maxclients", maxClients);
            }
            assertTrue(kills >= 1, "the job's source connection was cut");
            assertTrue(out.<Alert>await(alerts, l -> l.stream().anyMatch(a -> a.alertType().equals("samples_missing")),
                    Duration.ofSeconds(20)), "samples_missing raised: " + out.received(alerts));
            Alert missing = out.<Alert>received(alerts).stream().filter(a -> a.alertType().equals("samples_missing"))
                    .findFirst().orElseThrow();
            double seconds = ((Number) missing.data().get("missing_seconds")).doubleValue();
            assertTrue(seconds > 0.25 && seconds < 5, "the gap is about as long as the cut: " + seconds + " s");
            int before = out.received(predictions).size();
            assertTrue(out.<Prediction>await(predictions, l -> l.size() >= before + 2, Duration.ofSeconds(20)),
                    "predictions go on");
            assertEquals(JobStatus.RUNNING, job.status());
        }
    }

    private static double lastTimestamp(ChannelRecorder raw, String user) {
        List<RawSamples> samples = raw.received(Channel.of(user, ChannelKind.RAW));
        return samples.get(samples.size() - 1).timestamps()[0];
    }

    private static double last(List<Prediction> predictions) {
        return predictions.isEmpty() ? 0 : predictions.get(predictions.size() - 1).timestamp();
    }

    private static String relayLines(List<String> screen) {
        return screen.stream().filter(l -> l.startsWith("relay ")).toList().toString();
    }

}
