package io.github.eegstream.job;

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

/** The job at parallelism 2: sharded subscriptions, each message read once, readers that reconnect. */
class ParallelSourceTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.miniCluster();

    @Test
    void shardsCoverEveryUserIdOnceAndNeverOverlap() {
        for (int n : new int[] {3, 8, ChannelKind.MAX_SHARDS}) {
            List<String> shards = ChannelKind.RAW.shardedPatterns(n);
            assertEquals(n, shards.size());
            try (StatefulRedisConnection<String, String> c = TestRedis.client().connect()) {
                // Redis's own glob matcher decides (KEYS matches as PSUBSCRIBE does).
                String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_.-";
                for (char last : alphabet.toCharArray()) {
                    String id = "x-" + last;
                    int matched = -1;
                    for (int i = 0; i < shards.size(); i++) {
                        if (globMatches(c, shards.get(i), "user:" + id + ":raw")) {
                            assertEquals(-1, matched, id + " matches two shards of " + shards);
                            matched = i;
                        }
                    }
                    assertEquals(ChannelKind.shardOf(id, n), matched, id + " matches its one shard of " + shards);
                }
            }
        }
    }

    /** How the shards share ids that labs use: sequential, with a common prefix, BIDS, UUIDs. */
    @Test
    void shardsShareCommonIdShapesEvenly() {
        List<String> prefixed = new ArrayList<>();
        List<String> bids = new ArrayList<>();
        List<String> numbered = new ArrayList<>();
        List<String> uuids = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            prefixed.add(String.format("sub-%03d", i));
            bids.add(String.format("sub-%02d", i));
            numbered.add(String.format("P%03d", i));
        }
        java.util.Random random = new java.util.Random(1);
        for (int i = 0; i < 4000; i++) {
            String u = new java.util.UUID(random.nextLong(), random.nextLong()).toString();
            uuids.add(i % 2 == 0 ? u : u.toUpperCase(java.util.Locale.ROOT));
        }
        for (int p : new int[] {2, 3, 4, 5}) {
            assertBalanced(prefixed, p);
            assertBalanced(bids, p);
            assertBalanced(numbered, p);
        }
        for (int p : new int[] {2, 4, 8, 16}) {
            assertBalanced(uuids, p);
        }
    }

    private static void assertBalanced(List<String> ids, int shards) {
        int[] count = new int[shards];
        ids.forEach(id -> count[ChannelKind.shardOf(id, shards)]++);
        double mean = ids.size() / (double) shards;
        int max = java.util.Arrays.stream(count).max().orElseThrow();
        assertTrue(max <= 1.25 * mean, ids.get(0) + "... over " + shards + " shards: " + java.util.Arrays.toString(count));
    }

    /** Whether Redis's own glob matching accepts {@code channel} for {@code pattern}. */
    private static boolean globMatches(StatefulRedisConnection<String, String> c, String pattern, String channel) {
        String key = "shard-check:" + channel;
        c.sync().set(key, "1");
        try {
            return c.sync().keys(pattern.replace("user:", "shard-check:user:")).contains(key);
        } finally {
            c.sync().del(key);
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
            assertEquals(2, spec.source().patternsFor(2).size());
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
