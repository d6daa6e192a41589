package io.github.eegstream.job;

import io.github.eegstream.spec.JobSpec;
import io.github.eegstream.spec.JobSpecs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.relay.Relay;
import io.github.eegstream.relay.SimulatedSource;
import io.github.eegstream.testing.ChannelRecorder;
import io.github.eegstream.testing.RunningJob;
import io.github.eegstream.testing.TestFlink;
import io.github.eegstream.testing.TestRedis;
import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.Prediction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The default pub/sub job stopped with a savepoint and started from it, at its parallelism and at
 * another: it runs (no crash loop), predicts every user again, and each user's calibration goes on
 * from where it was rather than starting over.
 */
class PubSubRestoreTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.miniCluster();

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aSavepointRestoresAtTheSameParallelism() throws Exception {
        stopAndRestore(1, 1);
    }

    @Test
    void aSavepointRestoresAtAnotherParallelism() throws Exception {
        stopAndRestore(2, 3);
    }

    private void stopAndRestore(int before, int after) throws Exception {
        JobSpec spec = JobSpecs.load("default").withRedisUrl(TestRedis.endpoint().url());
        List<String> users = List.of(TestRedis.uniqueUser("restore"), TestRedis.uniqueUser("restore"),
                TestRedis.uniqueUser("restore"));
        Channel[] channels = users.stream().map(u -> Channel.of(u, ChannelKind.PREDICTIONS)).toArray(Channel[]::new);
        Path savepoints = Files.createTempDirectory("eegstream-savepoints-");
        try (ChannelRecorder recorder = new ChannelRecorder(channels);
                Relay r0 = relay(users.get(0), 0); Relay r1 = relay(users.get(1), 1); Relay r2 = relay(users.get(2), 2)) {
            String savepoint;
            int[] calibrated = new int[users.size()];
            try (RunningJob job = RunningJob.start(spec.withParallelism(before))) {
                for (Channel c : channels) {
                    assertTrue(recorder.<Prediction>await(c, l -> l.size() >= 6, WAIT), "before: " + c);
                }
                savepoint = job.stopWithSavepoint(savepoints);
                assertEquals(JobStatus.FINISHED, job.status());
            }
            for (int i = 0; i < channels.length; i++) {
                List<Prediction> seen = recorder.received(channels[i]);
                calibrated[i] = seen.get(seen.size() - 1).calibrationWindows();
                assertTrue(calibrated[i] >= 6, "calibration counted: " + calibrated[i]);
            }
            Configuration restore = new Configuration();
            restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
            try (RunningJob job = RunningJob.start(spec.withParallelism(after), restore)) {
                for (int i = 0; i < channels.length; i++) {
                    int had = recorder.received(channels[i]).size();
                    assertTrue(recorder.<Prediction>await(channels[i], l -> l.size() >= had + 2, WAIT),
                            "after the restore: " + channels[i]);
                    Prediction next = recorder.<Prediction>received(channels[i]).get(had);
                    assertTrue(next.calibrationWindows() > calibrated[i],
                            "calibration continues: " + calibrated[i] + " windows before, " + next.calibrationWindows()
                                    + " after");
                }
                assertEquals(JobStatus.RUNNING, job.status());
            }
        }
    }

    private static Relay relay(String user, int seed) {
        return new Relay(new Relay.Options(user, 16, null), new SimulatedSource(8, 256, seed), TestRedis.client(),
                line -> { }).start();
    }
}
