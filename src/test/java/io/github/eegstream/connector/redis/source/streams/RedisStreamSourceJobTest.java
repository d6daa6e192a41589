package io.github.eegstream.connector.redis.source.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.connector.redis.MessageDeserializer;
import io.github.eegstream.connector.redis.RedisClientFactory;
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
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A tiny Flink job of plain strings through the streams source, configured as another job would
 * (a plain URL, its own data field, the default JSON dead letters): every entry of every stream
 * comes out once, and one it cannot use goes to the dead-letter channel.
 */
class RedisStreamSourceJobTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.miniCluster();

    /** The stream's key and the entry, as one string; an empty entry is rejected. */
    static final class Tagged implements MessageDeserializer<String> {
        @Override
        public String deserialize(String key, byte[] message) {
            if (message.length == 0) {
                throw new IllegalArgumentException("empty entry");
            }
            return key + "|" + new String(message, StandardCharsets.UTF_8);
        }

        @Override
        public String rejectReason(Exception e) {
            return "empty";
        }

        @Override
        public TypeInformation<String> getProducedType() {
            return Types.STRING;
        }
    }

    @Test
    void everyEntryOfEveryStreamComesOutOnce() throws Exception {
        String family = "xs" + UUID.randomUUID().toString().substring(0, 8);
        String deadLetters = family + ":dead-letters";
        List<String> keys = new ArrayList<>();
        for (int s = 0; s < 5; s++) {
            keys.add(family + ":s" + s + ":raw");
        }
        int perStream = 100;
        ConcurrentLinkedQueue<String> letters = new ConcurrentLinkedQueue<>();
        try (StatefulRedisConnection<String, String> redis = TestRedis.client().connect();
                StatefulRedisPubSubConnection<String, String> dead = TestRedis.client().connectPubSub()) {
            dead.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    letters.add(message);
                }
            });
            dead.sync().subscribe(deadLetters);
            // Half of the entries are there before the job starts, half come while it runs.
            for (String key : keys) {
                for (int i = 0; i < perStream / 2; i++) {
                    redis.sync().xadd(key, Map.of("body", key + "#" + i, "other", "not read"));
                }
            }
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            RedisStreamSource<String> source = RedisStreamSource.<String>builder()
                    .setEndpoint(RedisClientFactory.fromUrl(TestRedis.endpoint().url()))
                    .setKeyPattern(family + ":*:raw")
                    .setDataField("body")
                    .setDeserializer(new Tagged())
                    .setDiscoveryInterval(Duration.ofMillis(200))
                    .setDeadLetterChannel(deadLetters)
                    .build();
            try (CloseableIterator<String> out = env.fromSource(source, WatermarkStrategy.noWatermarks(), "streams")
                    .executeAndCollect()) {
                ConcurrentLinkedQueue<String> received = collect(out);
                for (String key : keys) {
                    for (int i = perStream / 2; i < perStream; i++) {
                        redis.sync().xadd(key, Map.of("body", key + "#" + i));
                    }
                }
                int expected = keys.size() * perStream;
                waitFor(() -> received.size() >= expected, Duration.ofSeconds(60));
                // An entry without the data field: rejected, and sampled to the dead-letter channel.
                redis.sync().xadd(keys.get(0), Map.of("data", "the wrong field"));
                waitFor(() -> !letters.isEmpty(), Duration.ofSeconds(20));
                Thread.sleep(500); // a repeat would come right behind the rest

                Map<String, Integer> times = new HashMap<>();
                received.forEach(m -> times.merge(m, 1, Integer::sum));
                assertEquals(expected, times.size(), "every entry read (" + times.size() + " of " + expected + ")");
                assertEquals(expected, received.size(), "none read twice");
                for (String key : keys) {
                    for (int i = 0; i < perStream; i++) {
                        assertTrue(times.containsKey(key + "|" + key + "#" + i), key + " #" + i);
                    }
                }
                String letter = letters.peek();
                assertTrue(letter.startsWith("{\"type\":\"rejected\",\"channel\":\"" + keys.get(0) + "\",\"reason\":\"empty\""),
                        letter);
                assertTrue(letter.contains("\"payload_bytes\":0"), letter);
            }
        }
    }

    /**
     * With a registry, at parallelism 2: streams found there are read; once they expire, both
     * readers let go of them and the registry forgets them (which happens only after every reader
     * has answered); a stream made again afterwards is found and read, and nothing is read twice.
     */
    @Test
    void streamsThatExpireAreLetGoOfAndAStreamMadeAgainIsReadOn() throws Exception {
        String family = "xf" + UUID.randomUUID().toString().substring(0, 8);
        String registry = family + ":registry";
        List<String> keys = new ArrayList<>();
        for (int s = 0; s < 20; s++) {
            keys.add(family + ":s" + s + ":raw");
        }
        try (StatefulRedisConnection<String, String> redis = TestRedis.client().connect()) {
            for (String key : keys) {
                redis.sync().xadd(key, Map.of("data", key + "#0"));
                redis.sync().zadd(registry, (double) System.currentTimeMillis(), key);
            }
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            RedisStreamSource<String> source = RedisStreamSource.<String>builder()
                    .setEndpoint(RedisClientFactory.fromUrl(TestRedis.endpoint().url()))
                    .setKeyPattern(family + ":*:raw")
                    .setRegistryKey(registry)
                    .setForgetAfter(Duration.ofSeconds(1))
                    .setDeserializer(new Tagged())
                    .setDiscoveryInterval(Duration.ofMillis(200))
                    .build();
            try (CloseableIterator<String> out = env.fromSource(source, WatermarkStrategy.noWatermarks(), "streams")
                    .executeAndCollect()) {
                ConcurrentLinkedQueue<String> received = collect(out);
                waitFor(() -> received.size() >= keys.size(), Duration.ofSeconds(60));
                assertEquals(keys.size(), received.size(), "every stream read");

                // They expire, and their relays are gone: their registry members grow stale.
                redis.sync().del(keys.toArray(String[]::new));
                for (String key : keys) {
                    redis.sync().zadd(registry, (double) (System.currentTimeMillis() - 60_000), key);
                }
                waitFor(() -> redis.sync().zcard(registry) == 0, Duration.ofSeconds(60));
                assertEquals(0, redis.sync().zcard(registry), "forgotten, once both readers let go");

                String back = keys.get(3);
                redis.sync().xadd(back, Map.of("data", back + "#1"));
                redis.sync().zadd(registry, (double) System.currentTimeMillis(), back);
                waitFor(() -> received.contains(back + "|" + back + "#1"), Duration.ofSeconds(30));
                assertTrue(received.contains(back + "|" + back + "#1"), "a stream made again is read");
                Thread.sleep(500); // a repeat would come right behind
                assertEquals(keys.size() + 1, received.size(), "nothing read twice: " + received);
            } finally {
                redis.sync().del(registry);
                redis.sync().del(keys.toArray(String[]::new));
            }
        }
    }

    /** What the job emits, as it comes, gathered on a thread of its own. */
    private static ConcurrentLinkedQueue<String> collect(CloseableIterator<String> out) {
        ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
        Thread reader = new Thread(() -> {
            while (out.hasNext()) {
                received.add(out.next());
            }
        });
        reader.setDaemon(true);
        reader.start();
        return received;
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }
}
