package io.github.eegstream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.connector.redis.ShardedSubscriber;
import io.github.eegstream.redis.MessageFeed;
import io.github.eegstream.redis.RedisEndpoint;
import io.github.eegstream.relay.Relay;
import io.github.eegstream.relay.SimulatedSource;
import io.github.eegstream.spec.JobSpec;
import io.github.eegstream.spec.JobSpecs;
import io.github.eegstream.testing.RunningJob;
import io.github.eegstream.testing.TestFlink;
import io.github.eegstream.testing.TestRedis;
import io.github.eegstream.testing.TestRedisCluster;
import io.github.eegstream.wire.Alert;
import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.Prediction;
import io.github.eegstream.wire.RawSamples;
import io.github.eegstream.wire.WireCodec;
import io.lettuce.core.cluster.RedisClusterClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job and relays on a real local Redis Cluster (3 masters, 3 replicas) with a
 * {@code redis-cluster://} URL: sharded pub/sub end to end, and a master SIGKILLed mid-run.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClusterTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.miniCluster();

    private static final int RATE = 250;
    private static final int CHUNK = 25;

    private static TestRedisCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = TestRedisCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Every prediction and alert of the users, as it arrives (one sharded feed over all their channels). */
    private static final class Outputs implements AutoCloseable {
        final Map<String, List<Prediction>> predictions = new ConcurrentHashMap<>();
        final Map<String, List<Alert>> alerts = new ConcurrentHashMap<>();
        final Map<String, List<Long>> arrivals = new ConcurrentHashMap<>();
        final MessageFeed feed;

        Outputs(RedisEndpoint endpoint, RedisClusterClient client, List<String> users) {
            List<Channel> channels = new ArrayList<>();
            for (String u : users) {
                channels.add(Channel.of(u, ChannelKind.PREDICTIONS));
                channels.add(Channel.of(u, ChannelKind.ALERTS));
                predictions.put(u, new CopyOnWriteArrayList<>());
                alerts.put(u, new CopyOnWriteArrayList<>());
                arrivals.put(u, new CopyOnWriteArrayList<>());
            }
            feed = MessageFeed.ofShardChannels(endpoint, client, "test-outputs", 100_000, channels, (channel, message) -> {
                if (message instanceof Prediction p) {
                    predictions.get(channel.userId()).add(p);
                    arrivals.get(channel.userId()).add(System.currentTimeMillis());
                } else if (message instanceof Alert a) {
                    alerts.get(channel.userId()).add(a);
                }
            }, (c, e) -> { });
        }

        List<Prediction> whole(String user) {
            return predictions.get(user).stream().filter(p -> !Boolean.TRUE.equals(p.partial())).toList();
        }

        @Override
        public void close() {
            feed.close();
        }
    }

    private static Map<Integer, Map<String, Long>> nodeStats() {
        Map<Integer, Map<String, Long>> out = new HashMap<>();
        for (int port : cluster.livePorts()) {
            String stats = cluster.onNode(port, c -> c.info("stats"));
            String info = cluster.onNode(port, c -> c.clusterInfo());
            Map<String, Long> m = new HashMap<>();
            m.put("net_out", Long.parseLong(TestRedisCluster.field(stats, "total_net_output_bytes")));
            String repl = TestRedisCluster.field(stats, "total_net_repl_output_bytes");
            m.put("repl_out", repl == null ? 0 : Long.parseLong(repl));
            for (String f : new String[] {"cluster_stats_messages_publish_sent", "cluster_stats_messages_publishshard_sent"}) {
                String v = TestRedisCluster.field(info, f);
                m.put(f, v == null ? 0 : Long.parseLong(v));
            }
            out.put(port, m);
        }
        return out;
    }

    private static long delta(Map<Integer, Map<String, Long>> before, Map<Integer, Map<String, Long>> after, int port, String f) {
        return after.get(port).get(f) - before.getOrDefault(port, Map.of()).getOrDefault(f, 0L);
    }

    /** {@code eeg acl --apply} at the cluster: the rules on all six nodes; returns the component's cluster URL. */
    private static String applyAcl(String... roleArgs) {
        String password = "pw-" + java.util.UUID.randomUUID();
        List<String> args = new ArrayList<>(List.of("acl"));
        args.addAll(List.of(roleArgs));
        args.addAll(List.of("--apply", "--password-stdin", "--redis", cluster.url()));
        io.github.eegstream.testing.CliRun run = io.github.eegstream.testing.CliRun.withStdin(password + "\n", args.toArray(String[]::new));
        assertEquals(0, run.exit(), run.all());
        assertTrue(run.out().contains("applied at all 6 nodes"), run.all());
        String user = run.out().lines().filter(l -> l.startsWith("ACL SETUSER ")).findFirst().orElseThrow().split(" ")[2];
        for (int port : cluster.ports()) {
            assertTrue(cluster.onNode(port, c -> c.aclList()).stream().anyMatch(l -> l.startsWith("user " + user + " ")),
                    user + " is known at node " + port);
        }
        return cluster.url().replace("redis-cluster://", "redis-cluster://" + user + ":" + password + "@");
    }

    /**
     * The relay and the job each with the rules {@code eeg acl --apply} set on every node: the
     * relay's samples reach the job and its predictions the relay; another user's channel is refused.
     */
    @Test
    @Order(0)
    void withTheRulesOfEegAclOnEveryNodeARelayAndTheJobPredictEndToEnd() throws Exception {
        String jamie = TestRedis.uniqueUser("acl-jamie");
        String relayUrl = applyAcl("--role", "relay", "--user", jamie);
        String jobUrl = applyAcl("--role", "job", "--parallelism", "2");
        RedisEndpoint relayEndpoint = new RedisEndpoint(relayUrl);
        RedisClusterClient client = relayEndpoint.createClusterClient("relay-" + jamie);
        List<String> screen = new CopyOnWriteArrayList<>();
        try (RunningJob job = RunningJob.start(JobSpecs.load("default").withRedisUrl(jobUrl).withParallelism(2));
                Relay relay = new Relay(new Relay.Options(jamie, 16, null), new SimulatedSource(8, 256, 2), relayEndpoint, client,
                        screen::add).start()) {
            TestRedisCluster.await(() -> screen.stream().anyMatch(l -> l.contains(jamie + "  prediction")), Duration.ofSeconds(30),
                    "predictions reach the relay: " + screen);
            assertEquals(null, relay.failure());
            try (var c = client.connect()) {
                String other = Channel.of(TestRedis.uniqueUser("acl-alex"), ChannelKind.RAW).name();
                assertThrows(io.lettuce.core.RedisCommandExecutionException.class, () -> c.sync().spublish(other, "{}"));
            }
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    /**
     * {@code eeg publish} SPUBLISHes at the channel's master, and a feed of every user (as the
     * dashboard's) finds the user in the registry and SSUBSCRIBEs to its channels.
     */
    @Test
    @Order(0)
    void eegPublishReachesAFeedOfEveryUserThatFoundTheUserInTheRegistry() throws Exception {
        RedisEndpoint endpoint = cluster.endpoint();
        String sam = TestRedis.uniqueUser("cli-sam");
        List<io.github.eegstream.wire.WireMessage> seen = new CopyOnWriteArrayList<>();
        try (MessageFeed feed = MessageFeed.ofAllUsers(endpoint, "test-dashboard", 1000, List.of(ChannelKind.PREDICTIONS),
                (channel, message) -> seen.add(message))) {
            RedisClusterClient client = endpoint.createClusterClient(null);
            try (var c = client.connect()) {
                c.sync().zadd(io.github.eegstream.wire.Channel.REGISTRY_KEY, (double) System.currentTimeMillis(),
                        Channel.of(sam, ChannelKind.RAW).name());
                String predictions = Channel.of(sam, ChannelKind.PREDICTIONS).name();
                TestRedisCluster.await(() -> io.github.eegstream.redis.ClusterNodes.shardSubscribers(c, List.of(predictions)) == 1,
                        Duration.ofSeconds(10), "the feed subscribes to " + predictions);
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            }
            io.github.eegstream.testing.CliRun run = io.github.eegstream.testing.CliRun.of("publish", sam, "predictions",
                    "{\"type\":\"prediction\",\"data\":{\"workload\":0.85}}", "--redis", cluster.url());
            assertEquals(0, run.exit(), run.all());
            assertTrue(run.out().contains("(1 subscriber)"), run.all());
            TestRedisCluster.await(() -> seen.size() == 1, Duration.ofSeconds(5), "the feed has the prediction");
        }
    }

    /**
     * A hundred relays over all three masters and a job at parallelism 2: every user gets every
     * window exactly once; each raw channel has exactly one subscriber, at its master; nothing
     * goes over the cluster bus as a broadcast, and what the nodes send their clients is about
     * one copy of each raw message.
     */
    @Test
    @Order(1)
    void aHundredUsersOverThreeMastersGetEveryWindowExactlyOnce() throws Exception {
        RedisEndpoint endpoint = cluster.endpoint();
        JobSpec spec = JobSpecs.load("seed-compatible").withRedisUrl(endpoint.url()).withParallelism(2);
        List<String> users = new ArrayList<>();
        for (int u = 0; u < 100; u++) {
            users.add(TestRedis.uniqueUser("shard" + u));
        }
        Set<Integer> mastersUsed = new HashSet<>();
        for (String u : users) {
            mastersUsed.add(cluster.masterOfSlot(ShardedSubscriber.slot(Channel.of(u, ChannelKind.RAW).name())));
        }
        assertEquals(3, mastersUsed.size(), "the users' raw channels are on all three masters");
        RedisClusterClient client = endpoint.createClusterClient("test-relays");
        List<Relay> relays = new ArrayList<>();
        try (RunningJob job = RunningJob.start(spec); Outputs out = new Outputs(endpoint, client, users)) {
            var before = nodeStats();
            var loadBefore = io.github.eegstream.redis.ClusterLoad.snapshot(endpoint);
            long started = System.nanoTime();
            for (int u = 0; u < users.size(); u++) {
                relays.add(new Relay(new Relay.Options(users.get(u), CHUNK, Duration.ofSeconds(8)), new SimulatedSource(8, RATE, u),
                        endpoint, client, line -> { }).start());
            }
            for (Relay r : relays) {
                assertTrue(r.awaitFinished(Duration.ofSeconds(60)), r.userId() + " finished");
            }
            System.out.printf("100 relays started and sent in %.1f s%n", (System.nanoTime() - started) / 1e9);
            io.github.eegstream.redis.ClusterLoad.between(loadBefore, io.github.eegstream.redis.ClusterLoad.snapshot(endpoint))
                    .forEach(l -> System.out.println(l.line()));
            for (Relay r : relays) {
                long windows = r.samplesPublished() / 100;
                assertTrue(windows >= 15, r.userId() + " published " + r.samplesPublished());
                TestRedisCluster.await(() -> out.whole(r.userId()).size() >= windows, Duration.ofSeconds(30),
                        r.userId() + " has " + windows + " predictions (has " + out.whole(r.userId()).size() + ")");
            }
            Thread.sleep(1000); // a repeated window would come right after the last one
            long messages = 0;
            for (Relay r : relays) {
                long windows = r.samplesPublished() / 100;
                List<Prediction> p = out.whole(r.userId());
                Set<Double> distinct = new HashSet<>();
                p.forEach(x -> distinct.add(x.timestamp()));
                assertEquals(windows, distinct.size(), r.userId() + ": every window");
                assertEquals(windows, p.size(), r.userId() + ": every window once, none twice");
                messages += r.samplesPublished() / CHUNK;
            }
            // Exactly one subscriber per raw channel, at its master: the job reads it once.
            try (var c = client.connect()) {
                for (String u : users) {
                    String raw = Channel.of(u, ChannelKind.RAW).name();
                    var master = io.github.eegstream.redis.ClusterNodes.masterOf(c, raw);
                    assertEquals(1L, c.getConnection(master.getNodeId()).sync().pubsubShardNumsub(raw).get(raw), raw);
                }
            }
            var after = nodeStats();
            io.github.eegstream.wire.SampleBuffer one = new io.github.eegstream.wire.SampleBuffer();
            try (SimulatedSource sim = new SimulatedSource(8, RATE, 1)) {
                while (one.size() < CHUNK) {
                    one.append(sim.read());
                }
            }
            int messageBytes = new WireCodec().encode(one.take(CHUNK)).length;
            long rawBytes = messages * messageBytes;
            long netOut = 0;
            long broadcast = 0;
            long shard = 0;
            StringBuilder perNode = new StringBuilder();
            for (int port : cluster.livePorts()) {
                long n = delta(before, after, port, "net_out");
                long b = delta(before, after, port, "cluster_stats_messages_publish_sent");
                long s = delta(before, after, port, "cluster_stats_messages_publishshard_sent");
                netOut += n;
                broadcast += b;
                shard += s;
                perNode.append(String.format("  node %d: %.1f MB to clients, %d PUBLISH and %d SPUBLISH messages on the cluster bus%n",
                        port, n / 1e6, b, s));
            }
            System.out.printf("%d raw messages (%.1f MB); the nodes sent %.1f MB to clients (%.2f copies per raw byte),"
                    + " %d broadcast PUBLISHes and %d shard messages (to replicas) on the bus%n%s",
                    messages, rawBytes / 1e6, netOut / 1e6, (double) netOut / rawBytes, broadcast, shard, perNode);
            assertEquals(0, broadcast, "no message is broadcast over the cluster bus");
            assertTrue(netOut < 1.5 * rawBytes, "about one copy of each raw message leaves Redis: " + netOut + " bytes for "
                    + rawBytes + " raw");
        } finally {
            relays.forEach(Relay::close);
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    /**
     * A user's raw and predictions slots moved to another master while it streams (CLUSTER
     * SETSLOT, as resharding does): Redis unsubscribes the sharded subscribers there, and the job
     * and the relay subscribe at the new master by themselves; predictions go on.
     */
    @Test
    @Order(2)
    void whenAUsersSlotsMoveToAnotherMasterTheJobAndTheRelayFollow() throws Exception {
        RedisEndpoint endpoint = cluster.endpoint();
        JobSpec spec = JobSpecs.load("seed-compatible").withRedisUrl(endpoint.url()).withParallelism(2);
        String user = TestRedis.uniqueUser("moved");
        RedisClusterClient client = endpoint.createClusterClient("test-relays");
        try (RunningJob job = RunningJob.start(spec); Outputs out = new Outputs(endpoint, client, List.of(user));
                Relay relay = new Relay(new Relay.Options(user, CHUNK, null), new SimulatedSource(8, RATE, 7), endpoint, client,
                        line -> { }).start()) {
            TestRedisCluster.await(() -> out.whole(user).size() >= 2, Duration.ofSeconds(30), user + " is predicted");
            long movedAt = System.currentTimeMillis();
            int rawTo = 0;
            for (ChannelKind kind : List.of(ChannelKind.RAW, ChannelKind.PREDICTIONS)) {
                int slot = ShardedSubscriber.slot(Channel.of(user, kind).name());
                int from = cluster.masterOfSlot(slot);
                int to = cluster.masters().stream().filter(p -> p != from).findFirst().orElseThrow();
                cluster.moveSlot(slot, from, to);
                if (kind == ChannelKind.RAW) {
                    rawTo = to;
                }
                System.out.printf("moved slot %d (%s) from master %d to %d%n", slot, Channel.of(user, kind).name(), from, to);
            }
            String raw = Channel.of(user, ChannelKind.RAW).name();
            int newMaster = rawTo;
            TestRedisCluster.await(() -> cluster.onNode(newMaster, c -> c.pubsubShardNumsub(raw)).get(raw) == 1,
                    Duration.ofSeconds(15), "the job subscribes to " + raw + " at its new master");
            System.out.printf("the job subscribed to %s at master %d %.1f s after the move%n", raw, newMaster,
                    (System.currentTimeMillis() - movedAt) / 1e3);
            TestRedisCluster.await(() -> out.arrivals.get(user).stream().anyMatch(t -> t > movedAt + 2000), Duration.ofSeconds(15),
                    user + " is predicted after the move, at the relay's feed too");
            assertEquals(null, relay.failure());
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    /**
     * A master SIGKILLed while 30 relays stream: its replica takes over, the job and the relays go
     * on by themselves, every user is predicted again within 15 s, and the users whose samples
     * were lost get a samples_missing alert.
     */
    @Test
    @Order(3)
    void aKilledMastersReplicaTakesOverAndPredictionsResumeWithinFifteenSeconds() throws Exception {
        RedisEndpoint endpoint = cluster.endpoint();
        JobSpec spec = JobSpecs.load("seed-compatible").withRedisUrl(endpoint.url()).withParallelism(2);
        List<String> users = new ArrayList<>();
        for (int u = 0; u < 30; u++) {
            users.add(TestRedis.uniqueUser("failover" + u));
        }
        RedisClusterClient client = endpoint.createClusterClient("test-relays");
        List<Relay> relays = new ArrayList<>();
        try (RunningJob job = RunningJob.start(spec); Outputs out = new Outputs(endpoint, client, users)) {
            for (int u = 0; u < users.size(); u++) {
                relays.add(new Relay(new Relay.Options(users.get(u), CHUNK, null), new SimulatedSource(8, RATE, 100 + u),
                        endpoint, client, line -> { }).start());
            }
            for (String u : users) {
                TestRedisCluster.await(() -> out.whole(u).size() >= 3, Duration.ofSeconds(30), u + " is predicted");
            }
            // The master of the most raw channels goes.
            Map<Integer, Integer> byMaster = new HashMap<>();
            for (String u : users) {
                byMaster.merge(cluster.masterOfSlot(ShardedSubscriber.slot(Channel.of(u, ChannelKind.RAW).name())), 1, Integer::sum);
            }
            int victim = byMaster.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
            long killedAt = System.currentTimeMillis();
            cluster.kill(victim);
            System.out.printf("SIGKILLed master %d (%d of %d users' raw channels)%n", victim, byMaster.get(victim), users.size());
            cluster.awaitHealthy(Duration.ofSeconds(30));
            System.out.printf("cluster_state:ok with three masters %.1f s after the kill%n", (System.currentTimeMillis() - killedAt) / 1e3);
            long worst = 0;
            for (String u : users) {
                TestRedisCluster.await(() -> out.arrivals.get(u).stream().anyMatch(t -> t > killedAt + 4000),
                        Duration.ofSeconds(20), u + " is predicted again");
            }
            // When each user was first predicted after the gap (a window after its samples resumed).
            for (String u : users) {
                List<Long> a = out.arrivals.get(u);
                long resumedAt = 0;
                for (int i = 1; i < a.size(); i++) {
                    if (a.get(i) > killedAt && a.get(i) - a.get(i - 1) > 1000) {
                        resumedAt = a.get(i);
                        break;
                    }
                }
                if (resumedAt != 0) {
                    worst = Math.max(worst, resumedAt - killedAt);
                }
            }
            System.out.printf("predictions resumed for every user; the slowest %.1f s after the kill%n", worst / 1e3);
            assertTrue(worst <= 15_000, "every user predicted again within 15 s of the kill (slowest " + worst + " ms)");
            long alerted = users.stream().filter(u -> out.alerts.get(u).stream()
                    .anyMatch(a -> "samples_missing".equals(a.alertType()) || "stream_stalled".equals(a.alertType()))).count();
            System.out.printf("%d users got a samples_missing or stream_stalled alert%n", alerted);
            assertTrue(alerted >= 1, "the gap is alerted");
            for (Relay r : relays) {
                assertEquals(null, r.failure(), r.userId() + " goes on");
            }
        } finally {
            relays.forEach(Relay::close);
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }
}
