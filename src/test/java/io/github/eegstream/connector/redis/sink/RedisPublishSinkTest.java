package io.github.eegstream.connector.redis.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.connector.redis.RedisClientFactory;
import io.github.eegstream.testing.TestFlink;
import io.github.eegstream.testing.TestRedis;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A tiny Flink job of plain strings into the sink, through a serializer of its own. */
class RedisPublishSinkTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.miniCluster();

    @Test
    void everyStringIsPublishedInOrder() throws Exception {
        String channel = "sink-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> words = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            words.add("word-" + i);
        }
        ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
        try (StatefulRedisPubSubConnection<String, String> sub = TestRedis.client().connectPubSub()) {
            sub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String c, String message) {
                    received.add(message);
                }
            });
            sub.sync().subscribe(channel);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            env.fromData(words)
                    .sinkTo(RedisPublishSink.<String>builder(w -> new Publication(channel, w.getBytes(StandardCharsets.UTF_8)))
                            .setEndpoint(RedisClientFactory.fromUrl(TestRedis.endpoint().url()))
                            .setBatchSize(64)
                            .setFlushInterval(Duration.ofMillis(5))
                            .build());
            env.execute("strings to Redis"); // bounded: the writer flushes and waits for Redis at the end
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (received.size() < words.size() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(words, List.copyOf(received));
        }
    }

    @Test
    void deduplicationNeedsAScopeWithoutColons() {
        for (String scope : new String[] {null, "", "a:b"}) {
            RedisPublishSink.Builder<Publication> builder = RedisPublishSink.builder()
                    .setEndpoint(RedisClientFactory.fromUrl("redis://127.0.0.1:6379"))
                    .setDeduplicate(Duration.ofMinutes(1))
                    .setPublishOnceFunction(NO_FUNCTION)
                    .setDeduplicationScope(scope);
            IllegalStateException e = assertThrows(IllegalStateException.class, builder::build, String.valueOf(scope));
            assertTrue(e.getMessage().contains("scope"), e.getMessage());
        }
    }

    /** A function the builder accepts; never called here (the sink is not run). */
    private static final PublishOnceFunction NO_FUNCTION = new PublishOnceFunction() {
        @Override
        public String name() {
            return "none";
        }

        @Override
        public String sequenceKeyPrefix() {
            return "none:";
        }

        @Override
        public void ensureLoaded(io.lettuce.core.api.sync.RedisCommands<String, String> redis, String where) {
            throw new UnsupportedOperationException();
        }
    };

    @Test
    void deduplicationNeedsAFunction() {
        RedisPublishSink.Builder<Publication> builder = RedisPublishSink.builder()
                .setEndpoint(RedisClientFactory.fromUrl("redis://127.0.0.1:6379"))
                .setDeduplicate(Duration.ofMinutes(1));
        assertThrows(IllegalStateException.class, builder::build);
    }
}
