package io.github.eegstream.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.spec.JobSpec;
import io.github.eegstream.spec.JobSpecs;
import io.github.eegstream.testing.RunningJob;
import io.github.eegstream.testing.TestFlink;
import io.github.eegstream.testing.TestRedis;
import io.github.eegstream.wire.Alert;
import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.RawSamples;
import io.github.eegstream.wire.WireCodec;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XTrimArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durable mode with several jobs on the same users, restores, and streams trimmed while a job was
 * down. The users' streams hold fixed entries (appended as a relay would, paced), so that what a
 * job publishes from them can be compared byte for byte.
 */
class DurableJobsTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.miniCluster();

    @TempDir
    Path checkpoints;

    private static final int RATE = 256;
    private static final int CHUNK = 16;
    private static final String[] CHANNELS = {"Fp1", "Fp2", "F3", "F4", "C3", "C4", "P3", "P4"};

    /**
     * Three durable jobs on the same five users: the default spec twice (one run straight through,
     * one cancelled mid-stream and restored from its checkpoint) and {@code onnx-workload}. Each
     * publishes every window exactly once, with its own {@code source}; and the restored job
     * publishes, on every channel, exactly the bytes the uninterrupted one does, but for its name.
     * The data has a short gap (samples_missing) and a silence longer than the stall timeout,
     * which in durable mode is decided from the timestamps, the same way in every run.
     */
    @Test
    void twoJobsEachPublishEveryWindowOnceAndARestoredOneRepeatsAnUninterruptedOne() throws Exception {
        String run = Long.toString(System.nanoTime() % 1_000_000L, 36);
        List<String> users = new ArrayList<>();
        for (int u = 0; u < 5; u++) {
            users.add(TestRedis.uniqueUser("two-jobs-" + u));
        }
        String straight = "st" + run;
        String restored = "re" + run; // the same length: the names are swapped byte for byte
        JobSpec durable = JobSpecs.load("durable").withRedisUrl(TestRedis.endpoint().url()).withParallelism(1);
        JobSpec onnx = JobSpecs.load("onnx-workload").withRedisUrl(TestRedis.endpoint().url()).withParallelism(1)
                .withSource(durable.source()).withJobId("onnx" + run);
        Configuration conf = checkpointing();
        try (Outputs outputs = new Outputs(users);
                RunningJob a = RunningJob.start(durable.withJobId(straight), conf);
                RunningJob o = RunningJob.start(onnx, conf)) {
            Appender appender = new Appender(users, 24, 4.0);
            appender.start();
            Path latest;
            try (RunningJob first = RunningJob.start(durable.withJobId(restored), conf)) {
                await(() -> outputs.count(restored, ChannelKind.PREDICTIONS) >= 5 * 8, Duration.ofSeconds(60),
                        "the job to restore predicts");
                latest = awaitCheckpoint(checkpoints.resolve(first.jobId().toString()), 2);
                assertTrue(appender.isAlive(), "cancelled mid-stream");
            } // cancelled: the appender goes on
            // The newest now: Flink deletes a checkpoint once a newer one completes, as one may have
            // between the wait and the cancel.
            latest = latest(latest.getParent());
            Configuration restore = new Configuration(conf);
            restore.set(StateRecoveryOptions.SAVEPOINT_PATH, latest.toUri().toString());
            try (RunningJob second = RunningJob.start(durable.withJobId(restored), restore)) {
                appender.join();
                // At least the complete windows (a stalled stream's half-full last one comes too).
                int expected = 5 * appender.windowsPerUser();
                await(() -> outputs.count(straight, ChannelKind.PREDICTIONS) >= expected
                        && outputs.count(restored, ChannelKind.PREDICTIONS) == outputs.count(straight, ChannelKind.PREDICTIONS)
                        && outputs.count("onnx" + run, ChannelKind.PREDICTIONS) == outputs.count(straight, ChannelKind.PREDICTIONS),
                        Duration.ofSeconds(90), "every job predicts every window: " + outputs.summary());
                Thread.sleep(1000); // anything published twice would have arrived by now
            }
            for (String user : users) {
                for (ChannelKind kind : List.of(ChannelKind.PREDICTIONS, ChannelKind.FEATURES, ChannelKind.ALERTS)) {
                    List<byte[]> base = outputs.of(straight, user, kind);
                    List<byte[]> again = outputs.of(restored, user, kind);
                    assertEquals(base.size(), again.size(), kind + " of " + user + ": as many from the restored job");
                    assertTrue(kind == ChannelKind.ALERTS ? base.size() >= 3 : base.size() >= appender.windowsPerUser(),
                            base.size() + " " + kind);
                    for (int i = 0; i < base.size(); i++) {
                        assertArrayEquals(rename(base.get(i), straight, restored), again.get(i),
                                kind + " " + i + " of " + user + " is the same bytes");
                    }
                }
                List<List<Double>> windows = outputs.windows(straight, user);
                assertTrue(windows.size() >= appender.windowsPerUser(), windows.size() + " windows of " + user);
                assertEquals(windows.size(), new java.util.HashSet<>(windows).size(), "each window once: " + windows);
                assertEquals(windows, outputs.windows("onnx" + run, user), "onnx-workload: the same windows, each once");
                List<String> alerts = outputs.alertTypes(straight, user);
                assertTrue(alerts.contains("samples_missing") && alerts.contains("stream_stalled"),
                        "the gap and the silence are alerted: " + alerts);
            }
        } finally {
            deleteStreams(users);
        }
    }

    /**
     * A stream trimmed while the job was down, past where it had read: the restored job raises
     * {@code retention_gap} with the span lost, from the last entry it read to the first left.
     */
    @Test
    void aStreamTrimmedWhileTheJobWasDownRaisesARetentionGapWithTheSpan() throws Exception {
        String user = TestRedis.uniqueUser("trimmed");
        JobSpec durable = JobSpecs.load("durable").withRedisUrl(TestRedis.endpoint().url()).withParallelism(1);
        Configuration conf = checkpointing();
        try (Outputs outputs = new Outputs(List.of(user))) {
            Appender before = new Appender(List.of(user), 5, 8.0);
            Path latest;
            try (RunningJob first = RunningJob.start(durable, conf)) {
                before.run();
                await(() -> outputs.count(durable.identity(), ChannelKind.PREDICTIONS) >= before.windowsPerUser(),
                        Duration.ofSeconds(60), "the first job reads everything");
                latest = awaitLaterCheckpoint(checkpoints.resolve(first.jobId().toString()));
            }
            latest = latest(latest.getParent()); // the newest, after the cancel (older ones are deleted)
            String lastRead = before.lastId(user);
            // While the job is down, 20 s more are appended, and the stream is trimmed to its last 12 s.
            Appender after = new Appender(List.of(user), 20, 0, before.endSeconds(), before.nextChunk(), false);
            after.run();
            String firstLeft = after.idAt(user, 8.0);
            TestRedis.client().connect().sync().xtrim(Channel.of(user, ChannelKind.RAW).name(), XTrimArgs.Builder.minId(firstLeft));
            Configuration restore = new Configuration(conf);
            restore.set(StateRecoveryOptions.SAVEPOINT_PATH, latest.toUri().toString());
            try (RunningJob second = RunningJob.start(durable, restore)) {
                await(() -> outputs.alertTypes(durable.identity(), user).contains("retention_gap"), Duration.ofSeconds(60),
                        "the restored job to name the gap");
            }
            Alert gap = outputs.alerts(durable.identity(), user).stream().filter(a -> a.alertType().equals("retention_gap"))
                    .findFirst().orElseThrow();
            assertEquals(millis(lastRead) / 1000.0, ((Number) gap.data().get("lost_from")).doubleValue(), 1e-9,
                    "from the last entry read");
            assertEquals(millis(firstLeft) / 1000.0, ((Number) gap.data().get("lost_to")).doubleValue(), 1e-9,
                    "to the first entry left");
            assertEquals(1, outputs.alertTypes(durable.identity(), user).stream().filter("retention_gap"::equals).count(),
                    "once");
        } finally {
            deleteStreams(List.of(user));
        }
    }

    /**
     * In steady state the job finds new users' streams in the registry: a user who starts after
     * the job is predicted, and Redis counts no SCAN meanwhile (one at start is allowed).
     */
    @Test
    void newStreamsAreFoundWithoutScanningTheKeyspace() throws Exception {
        String user = TestRedis.uniqueUser("no-scan");
        JobSpec durable = JobSpecs.load("durable").withRedisUrl(TestRedis.endpoint().url()).withParallelism(1)
                .withJobId("no-scan");
        RedisCommands<String, String> redis = TestRedis.client().connect().sync();
        try (Outputs outputs = new Outputs(List.of(user)); RunningJob job = RunningJob.start(durable, checkpointing())) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            long before = scans(redis);
            while (System.nanoTime() < deadline) { // past the SCAN at start: two discoveries without one
                Thread.sleep(1100);
                long now = scans(redis);
                if (now == before) {
                    break;
                }
                before = now;
            }
            new Appender(List.of(user), 5, 8.0).run();
            await(() -> outputs.count("no-scan", ChannelKind.PREDICTIONS) >= 5, Duration.ofSeconds(30),
                    "the new user's predictions");
            assertEquals(before, scans(redis), "no SCAN while the job found the new stream");
        } finally {
            deleteStreams(List.of(user));
        }
    }

    /** SCANs Redis has served in all. */
    private static long scans(RedisCommands<String, String> redis) {
        for (String line : redis.info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_scan:calls=")) {
                return Long.parseLong(line.substring("cmdstat_scan:calls=".length(), line.indexOf(',')));
            }
        }
        return 0;
    }

    private static long millis(String id) {
        return Long.parseLong(id.substring(0, id.indexOf('-')));
    }

    /** The payload with one job's name put in the other's place (both of the same length). */
    private static byte[] rename(byte[] payload, String from, String to) {
        byte[] f = ("eegstream:" + from).getBytes(StandardCharsets.UTF_8);
        byte[] t = ("eegstream:" + to).getBytes(StandardCharsets.UTF_8);
        byte[] out = payload.clone();
        for (int i = 0; i + f.length <= out.length; i++) {
            if (java.util.Arrays.equals(out, i, i + f.length, f, 0, f.length)) {
                System.arraycopy(t, 0, out, i, t.length);
            }
        }
        return out;
    }

    /**
     * Appends a fixed recording to each user's stream, as a durable relay does (chunks of 16
     * samples, ids from their first sample's time), {@code speed} times faster than real time (0:
     * at once). It has a 0.5 s gap at 6 s and a 7 s silence at 12 s, when there are enough seconds.
     */
    private static final class Appender extends Thread {
        private final List<String> users;
        private final double seconds;
        private final double speed;
        private final double startSeconds;
        private final int firstChunk;
        private final boolean gaps;
        private final Map<String, List<String>> ids = new ConcurrentHashMap<>();
        private final Map<String, List<Double>> times = new ConcurrentHashMap<>();
        private volatile double end;
        private volatile int chunks;

        Appender(List<String> users, double seconds, double speed) {
            this(users, seconds, speed, Math.floor(System.currentTimeMillis() / 1000.0) - 3600, 0, true);
        }

        /** A recording that starts at {@code startSeconds}, its chunks numbered from {@code firstChunk}. */
        Appender(List<String> users, double seconds, double speed, double startSeconds, int firstChunk, boolean gaps) {
            this.gaps = gaps;
            this.users = users;
            this.seconds = seconds;
            this.speed = speed;
            this.startSeconds = startSeconds;
            this.firstChunk = firstChunk;
            setDaemon(true);
        }

        /** Whether the recording has a sample at {@code t} seconds from its start. */
        private boolean has(double t) {
            return !gaps || !(t >= 6.0 && t < 6.5) && !(t >= 12.0 && t < 19.0);
        }

        @Override
        public void run() {
            WireCodec codec = new WireCodec();
            try (StatefulRedisConnection<byte[], byte[]> connection = TestRedis.client().connect(ByteArrayCodec.INSTANCE)) {
                long began = System.nanoTime();
                int n = (int) Math.round(seconds * RATE);
                int chunk = firstChunk;
                for (int i = 0; i < n; i += CHUNK) {
                    List<Double> ts = new ArrayList<>();
                    for (int k = i; k < Math.min(n, i + CHUNK); k++) {
                        if (has(k / (double) RATE)) {
                            ts.add(startSeconds + k / (double) RATE);
                        }
                    }
                    end = startSeconds + Math.min(n, i + CHUNK) / (double) RATE;
                    if (ts.isEmpty()) {
                        continue;
                    }
                    if (speed > 0) {
                        long due = began + (long) (i / (double) RATE / speed * 1e9);
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        }
                    }
                    for (String user : users) {
                        Random random = new Random(user.hashCode() * 31L + chunk);
                        double[] timestamps = ts.stream().mapToDouble(Double::doubleValue).toArray();
                        double[] values = new double[timestamps.length * CHANNELS.length];
                        for (int s = 0; s < timestamps.length; s++) {
                            for (int c = 0; c < CHANNELS.length; c++) {
                                values[s * CHANNELS.length + c] = 20 * Math.sin(2 * Math.PI * (6 + c) * timestamps[s])
                                        + 10 * Math.sin(2 * Math.PI * 21 * timestamps[s]) + 5 * random.nextGaussian();
                            }
                        }
                        byte[] message = codec.encode(new RawSamples(CHANNELS, timestamps, values, RATE));
                        String id = Math.round(timestamps[0] * 1000) + "-" + chunk;
                        byte[] key = Channel.of(user, ChannelKind.RAW).name().getBytes(StandardCharsets.UTF_8);
                        connection.sync().xadd(key, new XAddArgs().id(id), Map.of(Channel.STREAM_FIELD.getBytes(StandardCharsets.UTF_8), message));
                        connection.sync().zadd(Channel.REGISTRY_KEY.getBytes(StandardCharsets.UTF_8),
                                (double) System.currentTimeMillis(), key);
                        ids.computeIfAbsent(user, u -> new CopyOnWriteArrayList<>()).add(id);
                        times.computeIfAbsent(user, u -> new CopyOnWriteArrayList<>()).add(timestamps[0] - startSeconds);
                    }
                    chunk++;
                }
                chunks = chunk;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        double endSeconds() {
            return end;
        }

        int nextChunk() {
            return chunks;
        }

        String lastId(String user) {
            List<String> all = ids.get(user);
            return all.get(all.size() - 1);
        }

        /** The id of the first chunk at or after {@code t} seconds into this part. */
        String idAt(String user, double t) {
            List<Double> ts = times.get(user);
            for (int i = 0; i < ts.size(); i++) {
                if (ts.get(i) >= t - 1e-9) {
                    return ids.get(user).get(i);
                }
            }
            throw new AssertionError("no chunk at " + t + " s");
        }

        /**
         * Complete 2 s windows every 0.5 s: the timeline restarts after the 7 s silence (a stall);
         * the short gap does not cut it.
         */
        int windowsPerUser() {
            double last = seconds - 1.0 / RATE;
            if (seconds <= 12) {
                return windows(last);
            }
            return windows(12.0 - 1.0 / RATE) + windows(last - 19.0);
        }

        private static int windows(double span) {
            return span < 2.0 ? 0 : (int) Math.floor((span - 2.0) / 0.5) + 1;
        }
    }

    /** Every job's outputs on the users' channels, as bytes, told apart by their source. */
    private static final class Outputs implements AutoCloseable {
        private final StatefulRedisPubSubConnection<byte[], byte[]> connection;
        private final Map<String, List<byte[]>> byChannel = new ConcurrentHashMap<>();
        private final WireCodec codec = new WireCodec();

        Outputs(List<String> users) {
            connection = TestRedis.client().connectPubSub(ByteArrayCodec.INSTANCE);
            connection.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(byte[] channel, byte[] message) {
                    byChannel.computeIfAbsent(new String(channel, StandardCharsets.UTF_8), c -> new CopyOnWriteArrayList<>())
                            .add(message);
                }
            });
            List<byte[]> names = new ArrayList<>();
            for (String user : users) {
                for (ChannelKind kind : List.of(ChannelKind.PREDICTIONS, ChannelKind.FEATURES, ChannelKind.ALERTS)) {
                    names.add(Channel.of(user, kind).name().getBytes(StandardCharsets.UTF_8));
                }
            }
            connection.sync().subscribe(names.toArray(byte[][]::new));
        }

        List<byte[]> of(String job, String user, ChannelKind kind) {
            byte[] name = ("eegstream:" + job).getBytes(StandardCharsets.UTF_8);
            return byChannel.getOrDefault(Channel.of(user, kind).name(), List.of()).stream()
                    .filter(m -> contains(m, name)).toList();
        }

        int count(String job, ChannelKind kind) {
            byte[] name = ("eegstream:" + job).getBytes(StandardCharsets.UTF_8);
            int n = 0;
            for (Map.Entry<String, List<byte[]>> e : byChannel.entrySet()) {
                if (e.getKey().endsWith(":" + kind.suffix())) {
                    n += (int) e.getValue().stream().filter(m -> contains(m, name)).count();
                }
            }
            return n;
        }

        /** Each prediction's window: its first and last samples' timestamps. */
        List<List<Double>> windows(String job, String user) {
            return of(job, user, ChannelKind.PREDICTIONS).stream()
                    .map(m -> (io.github.eegstream.wire.Prediction) codec.decode(ChannelKind.PREDICTIONS, m))
                    .map(p -> List.of(p.windowStart(), p.windowEnd()))
                    .toList();
        }

        List<Alert> alerts(String job, String user) {
            return of(job, user, ChannelKind.ALERTS).stream().map(m -> (Alert) codec.decode(ChannelKind.ALERTS, m)).toList();
        }

        List<String> alertTypes(String job, String user) {
            return alerts(job, user).stream().map(Alert::alertType).toList();
        }

        String summary() {
            Map<String, Integer> counts = new java.util.TreeMap<>();
            byChannel.forEach((channel, messages) -> counts.put(channel, messages.size()));
            return counts.toString();
        }

        private static boolean contains(byte[] haystack, byte[] needle) {
            for (int i = 0; i + needle.length <= haystack.length; i++) {
                if (java.util.Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void close() {
            connection.close();
        }
    }

    private static void deleteStreams(List<String> users) {
        RedisCommands<String, String> redis = TestRedis.client().connect().sync();
        for (String user : users) {
            redis.del(Channel.of(user, ChannelKind.RAW).name());
            redis.zrem(Channel.REGISTRY_KEY, Channel.of(user, ChannelKind.RAW).name());
        }
    }

    private static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private Configuration checkpointing() {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(300));
        return conf;
    }

    /** Waits for checkpoint {@code id} or a later one; returns the latest. */
    private static Path awaitCheckpoint(Path jobDir, int id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            Path latest = latest(jobDir);
            if (latest != null && Integer.parseInt(latest.getFileName().toString().substring(4)) >= id) {
                return latest;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no completed checkpoint " + id + " or later in " + jobDir);
    }

    /** Waits for a checkpoint two ids later than the latest now: one begun after now. */
    private static Path awaitLaterCheckpoint(Path jobDir) throws Exception {
        Path now = latest(jobDir);
        int id = now == null ? 1 : Integer.parseInt(now.getFileName().toString().substring(4));
        return awaitCheckpoint(jobDir, id + 2);
    }

    private static Path latest(Path jobDir) throws Exception {
        if (!Files.isDirectory(jobDir)) {
            return null;
        }
        try (Stream<Path> dirs = Files.list(jobDir)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("chk-") && Files.exists(d.resolve("_metadata")))
                    .max(Comparator.comparingInt(d -> Integer.parseInt(d.getFileName().toString().substring(4))))
                    .orElse(null);
        }
    }
}
