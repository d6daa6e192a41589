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
 * p = 3, the job runs, every user is predicted again, the three readers share them evenly (the
 * classes and rates come back from the savepoint, dealt over three), and every user's
 * calibration goes on from where it was.
 */
class PubSubRescaleIT {

    private static final int USERS = 40;
    /**
     * From RUNNING to every user's first prediction: the readers subscribe, then each user's
     * window after the stop completes. Measured 1.4 to 1.6 s here, with the cluster, Redis and
     * forty relays on two cores.
     */
    private static final Duration WITHIN = Duration.ofSeconds(10);

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

            long requestedMillis = System.currentTimeMillis(); // the jar's upload and run request
            String second = cluster.submit(StandaloneCluster.jobJar(),
                    List.of("--spec", "default", "--redis", TestRedis.endpoint().url()), 3, savepoint);
            assertEquals("RUNNING", cluster.rest().jobState(second));
            long resubmitted = System.nanoTime(); // the job is RUNNING: from here, every user within 10 s
            long resubmittedMillis = System.currentTimeMillis();
            // Where the time goes: until every task runs (deployed, state restored), then each user's first prediction.
            long tasksRunningMs = -1;
            while (tasksRunningMs < 0 && System.nanoTime() - resubmitted < WITHIN.toNanos()) {
                var vertices = cluster.get("/jobs/" + second).path("vertices");
                boolean all = vertices.size() > 0;
                for (var v : vertices) {
                    all &= v.path("status").asText().equals("RUNNING");
                }
                if (all) {
                    tasksRunningMs = System.currentTimeMillis() - resubmittedMillis;
                }
                Thread.sleep(100);
            }
            for (int i = 0; i < users.size(); i++) {
                int had = seenBefore[i]; // the first job's last: the next is the restored job's first
                long left = WITHIN.toNanos() - (System.nanoTime() - resubmitted);
                assertTrue(recorder.await(channels.get(i), l -> l.size() > had, Duration.ofNanos(Math.max(left, 1))),
                        users.get(i) + " predicted within " + WITHIN + " of the restored job's start");
            }
            List<Long> firsts = new ArrayList<>();
            // The restored job's predictions are those after the first job's last (they may come even
            // before the submission call has returned: times are then negative).
            for (int i = 0; i < channels.size(); i++) {
                List<Long> arrivals = recorder.arrivals(channels.get(i));
                firsts.add(arrivals.get(seenBefore[i]) - resubmittedMillis);
            }
            java.util.Collections.sort(firsts);
            // The longest silence of any user after its first prediction from the restored job.
            long worstGap = 0;
            String worstUser = "";
            for (int i = 0; i < channels.size(); i++) {
                Channel c = channels.get(i);
                List<Long> all = recorder.arrivals(c);
                List<Long> after = all.subList(seenBefore[i], all.size());
                for (int k = 1; k < after.size(); k++) {
                    if (after.get(k) - after.get(k - 1) > worstGap) {
                        worstGap = after.get(k) - after.get(k - 1);
                        worstUser = c.name();
                    }
                }
            }
            System.err.printf("Rescale: the longest silence after a user's first prediction %d ms (%s)%n", worstGap, worstUser);
            System.err.printf("Rescale: all %d users predicted %d ms after the resubmission; every task RUNNING after %d ms;"
                    + " first predictions after %d (first user), %d (median), %d ms (last)%n", USERS,
                    (System.nanoTime() - resubmitted) / 1_000_000, tasksRunningMs, firsts.get(0),
                    firsts.get(firsts.size() / 2), firsts.get(firsts.size() - 1));
            System.err.printf("Rescale: from the submission request (upload, restore, deploy) to the last user's first"
                    + " prediction %d ms; to every task RUNNING %d ms%n", firsts.get(firsts.size() - 1) + resubmittedMillis
                    - requestedMillis, resubmittedMillis - requestedMillis);
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

    /**
     * The readers share the users and their messages: each reader's users (channels it read in the
     * last 2 s) and messages per second, both within 1.25 times the mean, once the source has
     * balanced itself (it re-plans every 2 s). The cumulative numRecordsOut over 10 s is printed
     * too; Flink's REST API samples it every 2 s, per TaskManager, too unevenly to judge by.
     */
    private static void assertBalanced(StandaloneCluster cluster, String job, int readers) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        Map<Integer, Double> users = Map.of();
        Map<Integer, Double> rates = Map.of();
        while (System.nanoTime() < deadline) {
            users = cluster.sourceMetric(job, "Source__raw_EEG.activeChannels");
            rates = cluster.sourceMetric(job, "Source__raw_EEG.messagesPerSecond");
            if (users.size() == readers && rates.size() == readers
                    && users.values().stream().mapToDouble(Double::doubleValue).sum() == USERS
                    && maxOverMean(users) <= 1.25 && maxOverMean(rates) <= 1.25) {
                break;
            }
            Thread.sleep(1_000);
        }
        Map<Integer, Double> before = awaitRecords(cluster, job, readers, Map.of());
        Thread.sleep(10_000);
        Map<Integer, Double> after = awaitRecords(cluster, job, readers, before);
        Map<Integer, Double> delta = new java.util.TreeMap<>();
        after.forEach((k, v) -> delta.put(k, v - before.get(k)));
        System.err.printf("Readers at p = %d: users %s (max/mean %.2f), messages/s %s (max/mean %.2f); numRecordsOut over 10 s %s%n",
                readers, users, maxOverMean(users), rates, maxOverMean(rates), delta);
        assertEquals(readers, users.size(), "every reader reports its users: " + users);
        assertEquals(USERS, users.values().stream().mapToDouble(Double::doubleValue).sum(), "every user read once: " + users);
        assertTrue(maxOverMean(users) <= 1.25, "readers share the users: " + users);
        assertTrue(maxOverMean(rates) <= 1.25, "readers share the messages: " + rates);
    }

    private static double maxOverMean(Map<Integer, Double> values) {
        double mean = values.values().stream().mapToDouble(Double::doubleValue).average().orElse(0);
        return mean <= 0 ? Double.POSITIVE_INFINITY : values.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow() / mean;
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
