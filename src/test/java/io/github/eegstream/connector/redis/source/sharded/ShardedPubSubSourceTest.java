package io.github.eegstream.connector.redis.source.sharded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.connector.redis.MessageDeserializer;
import io.github.eegstream.connector.redis.RedisClientFactory;
import io.github.eegstream.redis.ClusterNodes;
import io.github.eegstream.testing.TestFlink;
import io.github.eegstream.testing.TestRedisCluster;
import io.lettuce.core.cluster.RedisClusterClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The connector's sharded source on its own (any channel family, any registry) on a local 3 + 3
 * cluster: channels dealt over two readers, each read once; a channel silent past the active
 * window is let go (unsubscribed), and found and read again when it sends again.
 */
class ShardedPubSubSourceTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.miniCluster();

    static final class Tagged implements MessageDeserializer<String> {
        @Override
        public String deserialize(String channel, byte[] message) {
            return channel + "|" + new String(message, StandardCharsets.UTF_8);
        }

        @Override
        public TypeInformation<String> getProducedType() {
            return Types.STRING;
        }
    }

    @Test
    void channelsAreReadOnceAndLetGoWhenSilentThenFoundAgain() throws Exception {
        try (TestRedisCluster cluster = TestRedisCluster.start()) {
            RedisClientFactory endpoint = RedisClientFactory.fromUrl(cluster.url());
            String registry = "dev:registry";
            List<String> channels = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                channels.add("dev:" + i + ":raw");
            }
            String silent = channels.get(0);
            List<String> talking = channels.subList(1, channels.size());
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            ShardedPubSubSource<String> source = ShardedPubSubSource.<String>builder()
                    .setEndpoint(endpoint)
                    .setChannelFamily("dev:*:raw")
                    .setRegistryKey(registry)
                    .setActiveWindow(Duration.ofSeconds(2))
                    .setDeserializer(new Tagged())
                    .build();
            ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
            RedisClusterClient client = endpoint.createClusterClient(null);
            try (CloseableIterator<String> out = env.fromSource(source, WatermarkStrategy.noWatermarks(), "sharded").executeAndCollect();
                    var c = client.connect()) {
                Thread reader = new Thread(() -> {
                    while (out.hasNext()) {
                        received.add(out.next());
                    }
                });
                reader.setDaemon(true);
                reader.start();
                c.sync().zadd(registry, (double) System.currentTimeMillis(), "other:1:raw"); // not of the family
                assertEquals(channels.size(), ClusterNodes.registerAndAwaitSubscribers(c, registry, channels, Duration.ofSeconds(30)));
                for (String ch : channels) {
                    assertEquals(1L, c.getConnection(ClusterNodes.masterOf(c, ch).getNodeId()).sync().pubsubShardNumsub(ch).get(ch),
                            "one reader subscribes to " + ch);
                    c.sync().spublish(ch, "first");
                }
                TestRedisCluster.await(() -> received.size() == channels.size(), Duration.ofSeconds(10), "every first message read");
                // All but one go on registering; the silent one is let go after the active window.
                long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
                while (ClusterNodes.shardSubscribers(c, List.of(silent)) > 0) {
                    assertTrue(System.nanoTime() < deadline, silent + " is let go once silent");
                    ClusterNodes.registerAndAwaitSubscribers(c, registry, talking, Duration.ofSeconds(5));
                    Thread.sleep(200);
                }
                assertEquals(talking.size(), ClusterNodes.shardSubscribers(c, talking), "the others are still read");
                assertEquals(channels.size(), ClusterNodes.registerAndAwaitSubscribers(c, registry, channels, Duration.ofSeconds(10)),
                        silent + " is found again when it registers again");
                for (String ch : channels) {
                    c.sync().spublish(ch, "second");
                }
                TestRedisCluster.await(() -> received.size() == 2 * channels.size(), Duration.ofSeconds(10), "every second message read");
                Thread.sleep(500);
                assertEquals(2 * channels.size(), received.size(), "none twice: " + received);
                for (String ch : channels) {
                    assertTrue(received.contains(ch + "|first") && received.contains(ch + "|second"), ch);
                }
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            }
        }
    }

    static final ConcurrentLinkedQueue<String> SEEN = new ConcurrentLinkedQueue<>();
    static final java.util.concurrent.atomic.AtomicBoolean FAILED = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * A task fails after checkpoints were taken: the job restarts by itself, and every channel has
     * exactly one subscriber again (the enumerator deals each reader its channels as it registers)
     * and is read.
     */
    @Test
    void afterAFailureEveryChannelIsReadAgainByExactlyOneReader() throws Exception {
        try (TestRedisCluster cluster = TestRedisCluster.start()) {
            RedisClientFactory endpoint = RedisClientFactory.fromUrl(cluster.url());
            String registry = "fail:registry";
            List<String> channels = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                channels.add("fail:" + i + ":raw");
            }
            org.apache.flink.configuration.Configuration conf = new org.apache.flink.configuration.Configuration();
            conf.set(org.apache.flink.configuration.CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(200));
            conf.set(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            conf.set(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
            conf.set(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
            env.setParallelism(2);
            ShardedPubSubSource<String> source = ShardedPubSubSource.<String>builder()
                    .setEndpoint(endpoint)
                    .setChannelFamily("fail:*:raw")
                    .setRegistryKey(registry)
                    .setDeserializer(new Tagged())
                    .build();
            SEEN.clear();
            FAILED.set(false);
            env.fromSource(source, WatermarkStrategy.noWatermarks(), "sharded")
                    .map(m -> {
                        if (m.endsWith("|boom") && FAILED.compareAndSet(false, true)) {
                            throw new IllegalStateException("a task fails once");
                        }
                        SEEN.add(m);
                        return m;
                    })
                    .sinkTo(new org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink<>());
            RedisClusterClient client = endpoint.createClusterClient(null);
            org.apache.flink.core.execution.JobClient job = env.executeAsync("sharded, failing once");
            try (var c = client.connect()) {
                assertEquals(channels.size(), ClusterNodes.registerAndAwaitSubscribers(c, registry, channels, Duration.ofSeconds(30)));
                channels.forEach(ch -> c.sync().spublish(ch, "first"));
                TestRedisCluster.await(() -> SEEN.size() == channels.size(), Duration.ofSeconds(10), "every first message read");
                c.sync().spublish(channels.get(3), "boom");
                TestRedisCluster.await(FAILED::get, Duration.ofSeconds(10), "the task failed");
                // Restarted: each channel subscribed again, by one reader.
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (!everyChannelHasOneSubscriber(c, channels)) {
                    assertTrue(System.nanoTime() < deadline, "every channel subscribed again once");
                    ClusterNodes.registerAndAwaitSubscribers(c, registry, channels, Duration.ofSeconds(2));
                    Thread.sleep(100);
                }
                // The failed reader's subscriptions may outlive it for a moment (its connection closes
                // asynchronously), and what Redis sends them then is lost, as pub/sub loses what
                // nobody reads: probe each channel until the new reader reads it.
                for (int probe = 0; !channels.stream().allMatch(ch -> SEEN.stream().anyMatch(m -> m.startsWith(ch + "|probe"))); probe++) {
                    assertTrue(System.nanoTime() < deadline, "every channel read again: " + SEEN);
                    for (String ch : channels) {
                        c.sync().spublish(ch, "probe" + probe);
                    }
                    Thread.sleep(100);
                }
                while (!everyChannelHasOneSubscriber(c, channels)) { // the failed reader's are gone, none leaked
                    assertTrue(System.nanoTime() < deadline, "every channel has one subscriber after the restart");
                    Thread.sleep(100);
                }
                channels.forEach(ch -> c.sync().spublish(ch, "second"));
                TestRedisCluster.await(() -> channels.stream().allMatch(ch -> SEEN.contains(ch + "|second")), Duration.ofSeconds(10),
                        "every second message read: " + SEEN);
                Thread.sleep(300);
                assertEquals(channels.size(), SEEN.stream().filter(m -> m.endsWith("|second")).count(), "each once: " + SEEN);
            } finally {
                job.cancel().get();
                client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            }
        }
    }

    private static boolean everyChannelHasOneSubscriber(io.lettuce.core.cluster.api.StatefulRedisClusterConnection<String, String> c,
            List<String> channels) {
        for (String ch : channels) {
            Long n = c.getConnection(ClusterNodes.masterOf(c, ch).getNodeId()).sync().pubsubShardNumsub(ch).get(ch);
            if (n == null || n != 1L) {
                return false;
            }
        }
        return true;
    }
}
