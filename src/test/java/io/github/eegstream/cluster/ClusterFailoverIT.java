package io.github.eegstream.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.relay.Relay;
import io.github.eegstream.relay.SimulatedSource;
import io.github.eegstream.testing.ChannelRecorder;
import io.github.eegstream.testing.StandaloneCluster;
import io.github.eegstream.testing.TestRedis;
import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The job on a real standalone cluster (a JobManager and two TaskManagers, separate processes),
 * fed by ten relays: when the TaskManager running the source is killed (SIGKILL, as a crash), the
 * job restarts on the other one by itself and every user's predictions resume within 15 s.
 */
class ClusterFailoverIT {

    /** Users whose ids start with different letters, so both source readers (shards) have some. */
    private static final List<String> NAMES = List.of("alex", "ben", "cleo", "dan", "eve", "finn", "gus", "hana", "ivy", "jo");
    private static final Duration MAX_PAUSE = Duration.ofSeconds(15);
    /** Predictions come every 0.5 s per user: a longer silence after the kill is the failover's pause. */
    private static final long GAP_MILLIS = 1_500;

    @Test
    void predictionsResumeForEveryUserAfterTheSourcesTaskManagerIsKilled() throws Exception {
        List<String> users = NAMES.stream().map(TestRedis::uniqueUser).toList();
        List<Channel> channels = users.stream().map(u -> Channel.of(u, ChannelKind.PREDICTIONS)).toList();
        List<Relay> relays = new ArrayList<>();
        try (StandaloneCluster cluster = StandaloneCluster.start("failover", 2, 2);
                ChannelRecorder recorder = new ChannelRecorder(channels.toArray(Channel[]::new))) {
            String job = cluster.submitJob("default", 2);
            for (int i = 0; i < users.size(); i++) {
                relays.add(new Relay(new Relay.Options(users.get(i), 16, null), new SimulatedSource(8, 256, i),
                        TestRedis.client(), line -> { }).start());
            }
            for (Channel c : channels) {
                assertTrue(recorder.await(c, l -> l.size() >= 2, Duration.ofSeconds(60)), "predictions for " + c);
            }
            // Every user calibrated for a few windows, and a checkpoint (every 10 s by default) taken since.
            for (Channel c : channels) {
                assertTrue(recorder.<io.github.eegstream.wire.Prediction>await(c, l -> l.get(l.size() - 1).calibrationWindows() >= 4,
                        Duration.ofSeconds(60)), "calibration counted for " + c);
            }
            int calibratedAtCheckpoint = Integer.MAX_VALUE;
            for (Channel c : channels) {
                List<io.github.eegstream.wire.Prediction> seen = recorder.received(c);
                calibratedAtCheckpoint = Math.min(calibratedAtCheckpoint, seen.get(seen.size() - 1).calibrationWindows());
            }
            long calibratedAt = System.currentTimeMillis();
            long deadlineForCheckpoint = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (cluster.get("/jobs/" + job + "/checkpoints").path("latest").path("completed")
                    .path("trigger_timestamp").asLong() < calibratedAt && System.nanoTime() < deadlineForCheckpoint) {
                Thread.sleep(200);
            }
            Map<Integer, String> sources = cluster.subtaskTaskManagers(job, StandaloneCluster.SOURCE);
            var victim = cluster.taskManagerRunning(job, StandaloneCluster.SOURCE, 0);
            System.err.println("Source subtasks on " + sources + "; killing " + victim.resourceId() + " (pid " + victim.pid() + ")");

            long killedAt = System.currentTimeMillis();
            cluster.kill(victim);
            assertFalse(victim.isAlive());

            // Every user's arrivals after the kill show a silence (the restart) and then predictions again.
            Map<String, Long> pauses = new LinkedHashMap<>();
            List<String> states = new ArrayList<>(); // the job's states after the kill, as the REST API shows them
            String state = "";
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (pauses.size() < users.size() && System.nanoTime() < deadline) {
                String now = cluster.rest().jobState(job);
                if (!now.equals(state)) {
                    states.add(now + " at " + (System.currentTimeMillis() - killedAt) + " ms");
                    state = now;
                }
                for (Channel c : channels) {
                    long pause = pauseAfter(recorder.arrivals(c), killedAt);
                    if (pause > 0) {
                        pauses.putIfAbsent(c.name(), pause);
                    }
                }
                Thread.sleep(100);
            }
            long resumedAt = System.currentTimeMillis();
            System.err.println("Pause per user after the kill (ms): " + pauses);
            System.err.println("Job states after the kill: " + states);
            long worst = pauses.values().stream().mapToLong(Long::longValue).max().orElse(Long.MAX_VALUE);
            System.err.printf("Failover: the longest pause %d ms; all %d users predicted again %d ms after the kill%n",
                    worst, pauses.size(), resumedAt - killedAt);
            Set<String> missing = new TreeSet<>(channels.stream().map(Channel::name).toList());
            missing.removeAll(pauses.keySet());
            assertEquals(Set.of(), missing, "users whose predictions did not resume within 60 s");
            assertTrue(worst <= MAX_PAUSE.toMillis(), "longest pause " + worst + " ms, more than " + MAX_PAUSE);
            // Calibration went on from the checkpoint, not from nothing.
            for (Channel c : channels) {
                List<io.github.eegstream.wire.Prediction> seen = recorder.received(c);
                int after = seen.get(seen.size() - 1).calibrationWindows();
                assertTrue(after > calibratedAtCheckpoint,
                        c + ": calibration restarted (" + after + " windows after, " + calibratedAtCheckpoint
                                + " at the checkpoint before the kill)");
            }
            // The job settles RUNNING (a second restart may follow the first, when the JobManager
            // notices the lost TaskManager's slots only after redeploying), and predictions go on.
            long runningBy = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < runningBy) {
                String now = cluster.rest().jobState(job);
                if (!now.equals(state)) {
                    states.add(now + " at " + (System.currentTimeMillis() - killedAt) + " ms");
                    state = now;
                }
                if (state.equals("RUNNING")) {
                    break;
                }
                Thread.sleep(200);
            }
            System.err.println("Job states after the kill, to RUNNING again: " + states + ", now " + state);
            assertEquals("RUNNING", state, "the job after the kill; states " + states);
            for (Channel c : channels) {
                int had = recorder.received(c).size();
                assertTrue(recorder.await(c, l -> l.size() > had, Duration.ofSeconds(30)), c + " predicted once RUNNING again");
            }
            Set<String> hosts = new TreeSet<>(cluster.subtaskTaskManagers(job, StandaloneCluster.SOURCE).values());
            assertFalse(hosts.contains(victim.resourceId()), "the source runs on the surviving TaskManager, " + hosts);

            // A replacement TaskManager joins the running cluster.
            cluster.startTaskManager();
            assertEquals(2, cluster.rest().taskManagerIds().size());
            assertEquals(2, cluster.taskManagers().stream().filter(FlinkProcess::isAlive).count());
        } finally {
            relays.forEach(Relay::close);
        }
    }

    /**
     * The first silence longer than {@link #GAP_MILLIS} that begins at or after the last
     * arrival before {@code killedAt} and has ended (a prediction came after it); 0 if none yet.
     */
    static long pauseAfter(List<Long> arrivals, long killedAt) {
        int start = 0;
        for (int i = 0; i < arrivals.size(); i++) {
            if (arrivals.get(i) <= killedAt) {
                start = i;
            }
        }
        for (int i = start + 1; i < arrivals.size(); i++) {
            long gap = arrivals.get(i) - arrivals.get(i - 1);
            if (gap > GAP_MILLIS) {
                return gap;
            }
        }
        return 0;
    }
}
