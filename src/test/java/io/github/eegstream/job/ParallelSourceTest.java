package io.github.eegstream.job;

import io.github.eegstream.spec.JobSpec;
import io.github.eegstream.spec.JobSpecs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.testing.ChannelRecorder;
import io.github.eegstream.testing.Publisher;
import io.github.eegstream.testing.RunningJob;
import io.github.eegstream.testing.TestFlink;
import io.github.eegstream.testing.TestRedis;
import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.Prediction;
import io.github.eegstream.wire.RawSamples;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The job at parallelism 2 and 4: each message read once, through handovers; readers that reconnect. */
class ParallelSourceTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.miniCluster();

    /**
     * Forty users whose ids the first assignment shares unevenly over four readers (12, 12, 8
     * and 8): while they stream, the readers hand classes over to balance them, and every window
     * of every user is still predicted exactly once.
     */
    @Test
    void readersHandUsersOverWhileTheyStreamAndEveryWindowIsPredictedExactlyOnce() throws Exception {
        JobSpec spec = JobSpecs.load("seed-compatible").withRedisUrl(TestRedis.endpoint().url()).withParallelism(4);
        String run = TestRedis.uniqueUser("hand");
        List<String> users = new ArrayList<>();
        for (int u = 1; u <= 40; u++) {
            users.add(String.format("%s-sub-%03d", run, u));
        }
        int chunk = 25;
        int chunks = 120; // 12 s at 250 Hz: 30 windows of 100 samples each
        java.util.concurrent.atomic.AtomicInteger markers = new java.util.concurrent.atomic.AtomicInteger();
        io.lettuce.core.RedisClient client = TestRedis.client();
        try (RunningJob job = RunningJob.start(spec);
                ChannelRecorder recorder = ChannelRecorder.predictionsOf(users.toArray(String[]::new));
                Publisher publisher = new Publisher();
                io.lettuce.core.pubsub.StatefulRedisPubSubConnection<String, String> handovers = client.connectPubSub()) {
            handovers.addListener(new io.lettuce.core.pubsub.RedisPubSubAdapter<>() {
                @Override
                public void message(String pattern, String channel, String message) {
                    markers.incrementAndGet();
                }
            });
            handovers.sync().psubscribe("eegstream:handover:*");
            io.github.eegstream.sim.SimulatedEeg eeg = new io.github.eegstream.sim.SimulatedEeg(4, 250, 1);
            String[] names = eeg.channels();
            long start = System.nanoTime();
            for (int k = 0; k < chunks; k++) {
                for (String user : users) {
                    double[] t = new double[chunk];
                    double[] v = new double[chunk * names.length];
                    double[] row = new double[names.length];
                    for (int i = 0; i < chunk; i++) {
                        t[i] = 10_000.0 + (k * chunk + i) / 250.0;
                        eeg.next(row);
                        System.arraycopy(row, 0, v, i * names.length, names.length);
                    }
                    publisher.publishRaw(user, new RawSamples(names, t, v, 250.0));
                }
                // Paced like relays: one chunk per user every 100 ms.
                long due = start + (k + 1) * 100_000_000L;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            int windows = chunks * chunk / 100;
            for (String user : users) {
                Channel out = Channel.of(user, ChannelKind.PREDICTIONS);
                assertTrue(recorder.await(out, l -> l.size() >= windows, Duration.ofSeconds(30)),
                        user + ": " + recorder.received(out).size() + " of " + windows + " windows");
            }
            Thread.sleep(500); // a repeated window would come right after the last one
            for (String user : users) {
                List<Prediction> p = recorder.received(Channel.of(user, ChannelKind.PREDICTIONS));
                Set<Double> distinct = new HashSet<>();
                p.forEach(x -> distinct.add(x.timestamp()));
                assertEquals(windows, distinct.size(), user + ": every window");
                assertEquals(windows, p.size(), user + ": every window once, none twice");
            }
            assertTrue(markers.get() >= 1, "the readers handed classes over (" + markers.get() + " markers)");
        }
    }

    @Test
    void atParallelismTwoEveryWindowOfFiftyUsersIsPredictedExactlyOnce() throws Exception {
        JobSpec spec = JobSpecs.load("seed-compatible").withRedisUrl(TestRedis.endpoint().url()).withParallelism(2);
        List<String> users = new ArrayList<>();
        for (int u = 0; u < 50; u++) {
            users.add(TestRedis.uniqueUser(u % 2 == 0 ? "par" : "Par"));
        }
        try (RunningJob job = RunningJob.start(spec);
                ChannelRecorder recorder = ChannelRecorder.predictionsOf(users.toArray(String[]::new));
                Publisher publisher = new Publisher()) {
            for (int u = 0; u < users.size(); u++) {
                publisher.publishSamples(users.get(u), 300, 256, 7_000.0 + u, 4, u);
            }
            for (String user : users) {
                Channel out = Channel.of(user, ChannelKind.PREDICTIONS);
                assertTrue(recorder.await(out, l -> l.size() >= 3, Duration.ofSeconds(30)), user);
            }
            Thread.sleep(500);
            for (int u = 0; u < users.size(); u++) {
                List<Prediction> p = recorder.received(Channel.of(users.get(u), ChannelKind.PREDICTIONS));
                assertEquals(3, p.size(), "each of " + users.get(u) + "'s windows once, none twice");
                Set<Double> windows = new HashSet<>();
                p.forEach(x -> windows.add(x.timestamp()));
                assertEquals(3, windows.size());
            }
        }
    }

    @Test
    void aReaderThatLosesItsConnectionResubscribesAndGoesOn() throws Exception {
        JobSpec spec = JobSpecs.load("seed-compatible").withRedisUrl(TestRedis.endpoint().url());
        String user = TestRedis.uniqueUser("reconnect");
        Channel out = Channel.of(user, ChannelKind.PREDICTIONS);
        try (RunningJob job = RunningJob.start(spec);
                ChannelRecorder recorder = ChannelRecorder.predictionsOf(user);
                Publisher publisher = new Publisher();
                StatefulRedisConnection<String, String> admin = TestRedis.client().connect()) {
            publisher.publishSamples(user, 100, 256, 8_000.0, 4, 1);
            assertTrue(recorder.await(out, l -> l.size() == 1, Duration.ofSeconds(20)));
            // Cut every pattern subscriber's connection, as Redis does to a slow subscriber.
            long readers = admin.sync().pubsubNumpat();
            long killed = admin.sync().clientKill(io.lettuce.core.KillArgs.Builder.typePubsub());
            assertTrue(killed >= 1);
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (admin.sync().pubsubNumpat() < readers && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(readers, admin.sync().pubsubNumpat(), "every reader subscribed again");
            recorder.close();
            try (ChannelRecorder again = ChannelRecorder.predictionsOf(user)) {
                RawSamples more = publisher.publishSamples(user, 100, 256, 9_000.0, 4, 2);
                assertTrue(again.await(out, l -> l.size() == 1, Duration.ofSeconds(20)), "predictions go on");
                assertEquals(more.timestamps()[99], again.<Prediction>received(out).get(0).timestamp());
            }
        }
    }
}
