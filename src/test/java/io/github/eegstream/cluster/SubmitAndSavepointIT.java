package io.github.eegstream.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.relay.Relay;
import io.github.eegstream.relay.SimulatedSource;
import io.github.eegstream.testing.ChannelRecorder;
import io.github.eegstream.testing.StandaloneCluster;
import io.github.eegstream.testing.TestRedis;
import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.Prediction;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The job jar submitted to a real standalone cluster through the REST API (as {@code eeg submit}
 * and {@code flink run} do), stopped with a savepoint ({@code eeg stop-job}, {@code flink stop})
 * and submitted again from it: in durable mode every window is predicted once across the stop,
 * including the windows of what the relay sent while the job was down.
 */
class SubmitAndSavepointIT {

    @Test
    void aJobStoppedWithASavepointGoesOnFromItWithEveryWindowOnce() throws Exception {
        String user = TestRedis.uniqueUser("savepoint");
        Channel out = Channel.of(user, ChannelKind.PREDICTIONS);
        Path jar = StandaloneCluster.jobJar();
        List<String> args = List.of("--spec", "durable", "--redis", TestRedis.endpoint().url());
        try (StandaloneCluster cluster = StandaloneCluster.start("savepoint", 1, 2);
                ChannelRecorder recorder = new ChannelRecorder(out);
                Relay relay = new Relay(new Relay.Options(user, 16, null).withDurableRetention(Duration.ofMinutes(5)),
                        new SimulatedSource(8, 256, 11), TestRedis.client(), line -> { }).start()) {
            // A spec the job cannot load fails the submission with the job's own message.
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> cluster.submit(jar,
                    List.of("--spec", "no-such-spec"), 1, null));
            assertTrue(refused.getMessage().contains("no-such-spec"), refused.getMessage());

            String first = cluster.submit(jar, args, 1, null);
            assertTrue(recorder.await(out, l -> l.size() >= 6, Duration.ofSeconds(60)), "predictions before the stop");
            Map<Integer, Double> read = awaitSourceRecords(cluster, first);
            System.err.println("Source records out per subtask before the stop: " + read);

            String savepoint = cluster.stopWithSavepoint(first);
            assertEquals("FINISHED", cluster.rest().jobState(first));
            assertTrue(Files.isRegularFile(Path.of(URI.create(savepoint)).resolve("_metadata")), savepoint);
            int beforeRestart = recorder.received(out).size();
            System.err.println("Stopped with savepoint " + savepoint + " after " + beforeRestart + " predictions");

            String second = cluster.submit(jar, args, 1, savepoint);
            String restored = cluster.get("/jobs/" + second + "/checkpoints").path("latest").path("restored")
                    .path("external_path").asText();
            assertEquals(savepoint, restored, "the second job started from the savepoint");
            assertTrue(recorder.await(out, l -> l.size() >= beforeRestart + 6, Duration.ofSeconds(60)),
                    "predictions after the restart");

            // Window ends step by the hop (0.5 s): none lost while the job was down, none published twice.
            List<Prediction> predictions = recorder.received(out);
            for (int i = 1; i < predictions.size(); i++) {
                double step = predictions.get(i).timestamp() - predictions.get(i - 1).timestamp();
                assertEquals(0.5, step, 0.01, "window " + i + " of " + predictions.size() + " follows the one before");
            }
            cluster.rest().cancel(second);
        }
    }

    /** The source's per-subtask numRecordsOut once the REST API reports it (metrics are fetched every few seconds). */
    private static Map<Integer, Double> awaitSourceRecords(StandaloneCluster cluster, String job) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<Integer, Double> read = Map.of();
        while (System.nanoTime() < deadline) {
            read = cluster.sourceMetric(job, "numRecordsOut");
            if (!read.isEmpty() && read.values().stream().allMatch(v -> v > 0)) {
                return read;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the source's numRecordsOut stayed " + read);
    }
}
