package io.github.eegstream.connector.redis.source.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.connector.redis.MessageDeserializer;
import io.github.eegstream.connector.redis.SubscriptionMarker;
import io.github.eegstream.testing.TestFlink;
import io.github.eegstream.testing.TestRedis;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The source alone, at p = 4, reading numbered messages of forty channels that its first
 * assignment shares unevenly: the readers hand classes over while the messages flow, and every
 * message comes out exactly once (each is distinct, so a repeat or a loss shows).
 */
class RedisPubSubHandoverTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.miniCluster();

    /** The channel and the message, as one string. */
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
    void everyMessageIsReadExactlyOnceThroughHandovers() throws Exception {
        String family = "ho" + UUID.randomUUID().toString().substring(0, 8);
        String clientName = "eegstream-source-" + family;
        List<String> channels = new ArrayList<>();
        for (int u = 1; u <= 40; u++) {
            channels.add(String.format("%s:sub-%03d:raw", family, u));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(4);
        RedisPubSubSource<String> source = RedisPubSubSource.<String>builder()
                .setEndpoint(TestRedis.endpoint())
                .setChannelFamily(family + ":*:raw")
                .setDeserializer(new Tagged())
                .setClientName(clientName)
                .build();
        ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
        AtomicInteger markers = new AtomicInteger();
        try (CloseableIterator<String> out = env.fromSource(source, WatermarkStrategy.noWatermarks(), "handover").executeAndCollect();
                StatefulRedisConnection<String, String> redis = TestRedis.client().connect();
                StatefulRedisPubSubConnection<String, String> handovers = TestRedis.client().connectPubSub()) {
            Thread reader = new Thread(() -> {
                while (out.hasNext()) {
                    received.add(out.next());
                }
            });
            reader.setDaemon(true);
            reader.start();
            handovers.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    markers.incrementAndGet();
                }
            });
            handovers.sync().subscribe(RedisPubSubSourceReader.handoverChannel(clientName));
            String[] readyMarkers = new String[4];
            for (int i = 0; i < 4; i++) {
                readyMarkers[i] = SubscriptionMarker.channel(clientName, "reader-" + i);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (redis.sync().pubsubNumsub(readyMarkers).values().stream().filter(n -> n > 0).count() < 4
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            // 10 s of messages, one per channel every 50 ms; the classes are re-planned every 2 s.
            int rounds = 200;
            long start = System.nanoTime();
            for (int k = 0; k < rounds; k++) {
                for (String c : channels) {
                    redis.async().publish(c, Integer.toString(k));
                }
                long wait = start + (k + 1) * 50_000_000L - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            int expected = rounds * channels.size();
            deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (received.size() < expected && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(1_000); // a repeat would come right behind the rest
            Map<String, Integer> times = new HashMap<>();
            received.forEach(m -> times.merge(m, 1, Integer::sum));
            List<String> repeated = times.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).limit(10).toList();
            assertEquals(List.of(), repeated, "messages read twice");
            assertEquals(expected, times.size(), "every message read (" + times.size() + " of " + expected + ")");
            assertEquals(expected, received.size());
            assertTrue(markers.get() >= 1, "the readers handed classes over (" + markers.get() + " markers)");
            System.err.printf("Handover: %d messages of %d channels read once each through %d handovers%n", expected,
                    channels.size(), markers.get());
        }
    }
}
