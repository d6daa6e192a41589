package io.github.eegstream.job;

import io.github.eegstream.spec.JobSpec;
import io.github.eegstream.spec.JobSpecs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.relay.Relay;
import io.github.eegstream.relay.SimulatedSource;
import io.github.eegstream.testing.ChannelRecorder;
import io.github.eegstream.testing.FlinkRest;
import io.github.eegstream.testing.RunningJob;
import io.github.eegstream.testing.TestFlink;
import io.github.eegstream.testing.TestRedis;
import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.Prediction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durable mode end to end: a relay appends to its stream, the job is cancelled mid-stream while
 * the relay goes on, and a new job started from the last retained checkpoint predicts every
 * window exactly once: none lost while it was down, none published twice.
 */
class DurableModeTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.miniCluster();

    @TempDir
    Path checkpoints;

    @Test
    void cancelledJobRestartedFromItsCheckpointPredictsEveryWindowOnce(@InjectClusterClient ClusterClient<?> cluster)
            throws Exception {
        String user = TestRedis.uniqueUser("durable");
        JobSpec spec = JobSpecs.load("durable").withRedisUrl(TestRedis.endpoint().url());
        Configuration conf = checkpointing();
        Channel predictions = Channel.of(user, ChannelKind.PREDICTIONS);
        try (ChannelRecorder recorder = new ChannelRecorder(predictions); Relay relay = durableRelay(user, 11)) {
            Path firstCheckpoint;
            try (RunningJob first = RunningJob.start(spec, conf)) {
                assertTrue(recorder.<Prediction>await(predictions, l -> l.size() >= 8, Duration.ofSeconds(60)),
                        "the first job predicts");
                firstCheckpoint = awaitCheckpoint(checkpoints.resolve(first.jobId().toString()), 2);
            } // cancelled here, its checkpoints retained; the relay goes on
            int beforeRestart = recorder.<Prediction>received(predictions).size();
            Thread.sleep(3000);
            assertEquals(beforeRestart, recorder.<Prediction>received(predictions).size(), "nothing predicts meanwhile");

            Path latest = latestCheckpoint(firstCheckpoint.getParent());
            Configuration restore = new Configuration(conf);
            restore.set(StateRecoveryOptions.SAVEPOINT_PATH, latest.toUri().toString());
            try (RunningJob second = RunningJob.start(spec, restore)) {
                String restoredFrom = restoredFrom(cluster, second);
                assertTrue(restoredFrom.contains(latest.getFileName().toString()),
                        "the second job restored " + latest + ", not " + restoredFrom);
                relay.stop();
                assertTrue(relay.awaitFinished(Duration.ofSeconds(10)));
                // Caught up: windows up to the relay's last samples (0.5 s hops) have all come.
                int expected = windowsIn(relay.samplesPublished());
                assertTrue(recorder.<Prediction>await(predictions, l -> l.size() >= expected, Duration.ofSeconds(60)),
                        "the restored job catches up: " + recorder.received(predictions).size() + " of " + expected);
                Thread.sleep(1000); // anything published twice would have arrived by now
            }
            List<Prediction> seen = recorder.received(predictions);
            for (int i = 1; i < seen.size(); i++) {
                double hop = seen.get(i).timestamp() - seen.get(i - 1).timestamp();
                assertTrue(Math.abs(hop - 0.5) < 0.01, "window " + i + " of " + seen.size()
                        + " comes 0.5 s after the one before, not " + hop + " (restart after window " + beforeRestart + ")");
            }
            // The job was down for over 3 s: at least 6 windows came from samples that arrived meanwhile.
            TestRedis.client().connect().sync().del(Channel.of(user, ChannelKind.RAW).name()); // later jobs need not read it
            assertTrue(seen.size() >= beforeRestart + 6, "windows from while the job was down were predicted: "
                    + beforeRestart + " before, " + seen.size() + " in all");
        }
    }

    /**
     * A job that fails (Redis refuses its sink's writes for a few seconds) restarts by itself from
     * its last checkpoint, and still predicts every window once.
     */
    @Test
    void failingJobRecoversFromItsCheckpointAndPredictsEveryWindowOnce() throws Exception {
        TestRedis.requireMajorVersion(7); // ACLs make the sink fail
        try (var admin = TestRedis.client().connect()) {
            io.github.eegstream.redis.RedisFunctions.load(admin.sync()); // as eeg acl --role job --apply does
        }
        String user = TestRedis.uniqueUser("durable-fail");
        String redisUser = "job-" + user;
        var rules = io.github.eegstream.redis.AclRules.job(true, null, "secret");
        rules = new io.github.eegstream.redis.AclRules(redisUser, rules.rules());
        var admin = TestRedis.client().connect();
        try {
            rules.apply(admin);
            var endpoint = io.lettuce.core.RedisURI.create(TestRedis.endpoint().url());
            String url = "redis://" + redisUser + ":secret@" + endpoint.getHost() + ":" + endpoint.getPort();
            JobSpec spec = JobSpecs.load("durable").withRedisUrl(url);
            Channel predictions = Channel.of(user, ChannelKind.PREDICTIONS);
            try (ChannelRecorder recorder = new ChannelRecorder(predictions); Relay relay = durableRelay(user, 12);
                    RunningJob job = RunningJob.start(spec, checkpointing())) {
                assertTrue(recorder.<Prediction>await(predictions, l -> l.size() >= 8, Duration.ofSeconds(60)));
                // The sink may no longer call its function: its writes fail, and so does the job.
                new io.github.eegstream.redis.AclRules(redisUser, List.of("-fcall")).apply(admin);
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (job.status() == org.apache.flink.api.common.JobStatus.RUNNING && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertTrue(job.status() != org.apache.flink.api.common.JobStatus.RUNNING, "the job failed");
                Thread.sleep(3000);
                new io.github.eegstream.redis.AclRules(redisUser, List.of("+fcall")).apply(admin);
                relay.stop();
                assertTrue(relay.awaitFinished(Duration.ofSeconds(10)));
                int expected = windowsIn(relay.samplesPublished());
                assertTrue(recorder.<Prediction>await(predictions, l -> l.size() >= expected, Duration.ofSeconds(90)),
                        "the job recovered and caught up: " + recorder.received(predictions).size() + " of " + expected
                                + ", windows ending at " + recorder.<Prediction>received(predictions).stream()
                                        .map(p -> String.format("%.3f", p.timestamp() % 1000)).toList()
                                + ", samples " + relay.samplesPublished());
                Thread.sleep(1000);
                assertEquals(org.apache.flink.api.common.JobStatus.RUNNING, job.status());
                List<Prediction> seen = recorder.received(predictions);
                assertEquals(expected, seen.size(), "each window once");
                for (int i = 1; i < seen.size(); i++) {
                    double hop = seen.get(i).timestamp() - seen.get(i - 1).timestamp();
                    assertTrue(Math.abs(hop - 0.5) < 0.01, "window " + i + " comes 0.5 s after the one before, not " + hop);
                }
            }
        } finally {
            admin.sync().aclDeluser(redisUser);
            admin.sync().del(Channel.of(user, ChannelKind.RAW).name());
            admin.close();
        }
    }

    /** The checkpoint the job was restored from, as Flink's REST API reports it. */
    private static String restoredFrom(ClusterClient<?> cluster, RunningJob job) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            var restored = FlinkRest.get(cluster, "/jobs/" + job.jobId() + "/checkpoints").path("latest").path("restored");
            if (!restored.isMissingNode() && !restored.isNull()) {
                return restored.path("external_path").asText();
            }
            Thread.sleep(200);
        }
        return "(nothing)";
    }

    /** Checkpoints twice a second into the test's directory. */
    private Configuration checkpointing() {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(500));
        return conf;
    }

    /** A relay appending 8 channels at 256 Hz, in chunks of 16, to the user's stream. */
    private static Relay durableRelay(String user, long seed) {
        return new Relay(new Relay.Options(user, 16, null).withDurableRetention(Duration.ofMinutes(5)),
                new SimulatedSource(8, 256, seed), TestRedis.client(), s -> { }).start();
    }

    /**
     * Complete 2 s windows every 0.5 s in a 256 Hz stream of {@code samples}: window k spans
     * [0.5 k, 0.5 k + 2) s and is complete once a sample at or after its end arrived.
     */
    private static int windowsIn(long samples) {
        return (int) Math.floor(((samples - 1) / 256.0 - 2.0) / 0.5) + 1;
    }

    /** Waits until the job has completed checkpoint {@code id} or a later one (Flink keeps only the latest). */
    private static Path awaitCheckpoint(Path jobDir, int id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(jobDir)) {
                try (Stream<Path> dirs = Files.list(jobDir)) {
                    if (dirs.anyMatch(d -> d.getFileName().toString().startsWith("chk-")
                            && Integer.parseInt(d.getFileName().toString().substring(4)) >= id
                            && Files.exists(d.resolve("_metadata")))) {
                        return latestCheckpoint(jobDir);
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no completed checkpoint " + id + " or later in " + jobDir);
    }

    private static Path latestCheckpoint(Path jobDir) throws Exception {
        try (Stream<Path> dirs = Files.list(jobDir)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("chk-") && Files.exists(d.resolve("_metadata")))
                    .max(Comparator.comparingInt(d -> Integer.parseInt(d.getFileName().toString().substring(4))))
                    .orElseThrow();
        }
    }
}
