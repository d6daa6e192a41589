package io.github.eegstream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.eegstream.relay.Relay;
import io.github.eegstream.relay.SimulatedSource;
import io.github.eegstream.testing.ChannelRecorder;
import io.github.eegstream.testing.FlinkRest;
import io.github.eegstream.testing.HostileMessages;
import io.github.eegstream.testing.RunningJob;
import io.github.eegstream.testing.TestFlink;
import io.github.eegstream.testing.TestRedis;
import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.Prediction;
import io.github.eegstream.wire.RawSamples;
import io.github.eegstream.wire.WireCodec;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/**
 * Thousands of hostile messages at the raw channels of a running job, and at a relay's inbound
 * channels, while good users stream: the job stays RUNNING, the good users' predictions keep
 * coming on time, each reject is counted by reason and a sample of them reaches the dead-letter
 * channel with its reason.
 */
class HostileInputTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.miniCluster();

    private static final int STORM = 6000;
    private static final Duration STORM_TIME = Duration.ofSeconds(10);

    private final String token = TestRedis.uniqueUser("storm");
    private final Random random = new Random(7);
    private final WireCodec codec = new WireCodec();

    @Test
    void aStormOfHostileMessagesLeavesTheJobAndGoodUsersUnharmed(@InjectClusterClient ClusterClient<?> cluster)
            throws Exception {
        List<String> good = List.of(token + "-good0", token + "-good1", token + "-good2");
        Channel[] goodPredictions = good.stream().map(u -> Channel.of(u, ChannelKind.PREDICTIONS)).toArray(Channel[]::new);
        Map<String, Integer> deadLetters = new ConcurrentHashMap<>();
        List<String> screen = new CopyOnWriteArrayList<>();
        List<Relay> relays = new ArrayList<>();
        try (RunningJob job = RunningJob.start("default");
                ChannelRecorder predictions = new ChannelRecorder(goodPredictions);
                StatefulRedisPubSubConnection<String, byte[]> deadLetterFeed = deadLetters(deadLetters);
                StatefulRedisConnection<byte[], byte[]> attacker = TestRedis.client().connect(ByteArrayCodec.INSTANCE)) {
            for (int i = 0; i < good.size(); i++) {
                relays.add(new Relay(new Relay.Options(good.get(i), 16, null), new SimulatedSource(8, 256, i), TestRedis.client(),
                        screen::add).start());
            }
            assertTrue(predictions.<Prediction>await(goodPredictions[2], l -> l.size() >= 2, Duration.ofSeconds(30)));
            long stormStart = System.currentTimeMillis();

            List<Supplier<HostileMessages.Hostile>> kinds = new HostileMessages(token, random).kinds(good.get(0));
            List<RedisFuture<Long>> sent = new ArrayList<>();
            long mustReject = 0;
            long perMessageNanos = STORM_TIME.toNanos() / STORM;
            long next = System.nanoTime();
            for (int n = 0; n < STORM; n++) {
                HostileMessages.Hostile h = kinds.get(n % kinds.size()).get();
                mustReject += h.rejected() ? 1 : 0;
                sent.add(attacker.async().publish(h.channel().getBytes(StandardCharsets.UTF_8), h.payload()));
                next += perMessageNanos;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            for (RedisFuture<Long> f : sent) {
                f.get();
            }
            long stormEnd = System.currentTimeMillis();
            Thread.sleep(2000);

            assertEquals(JobStatus.RUNNING, job.status(), "the job survives the storm");
            for (Channel channel : goodPredictions) {
                List<Prediction> seen = predictions.received(channel);
                List<Long> arrived = predictions.arrivals(channel);
                int during = 0;
                long worstLatency = 0;
                for (int i = 0; i < Math.min(seen.size(), arrived.size()); i++) {
                    if (arrived.get(i) >= stormStart && arrived.get(i) <= stormEnd) {
                        during++;
                        worstLatency = Math.max(worstLatency, arrived.get(i) - Math.round(seen.get(i).timestamp() * 1000));
                    }
                }
                double stormSeconds = (stormEnd - stormStart) / 1000.0;
                assertTrue(during >= stormSeconds / 0.5 - 2, channel + ": " + during + " predictions in "
                        + stormSeconds + " s of storm, one every 0.5 s expected");
                assertTrue(worstLatency < 1000, channel + ": a prediction took " + worstLatency + " ms during the storm");
            }
            for (Relay relay : relays) {
                assertTrue(relay.failure() == null, relay.failure());
            }
            assertTrue(relays.get(0).messagesRejected() >= 100,
                    "the relay ignored the bad messages on its channels: " + relays.get(0).messagesRejected());
            long publishedBefore = relays.get(0).samplesPublished();
            Thread.sleep(500);
            assertTrue(relays.get(0).samplesPublished() > publishedBefore, "the relay goes on publishing");

            Set<String> reasons = Set.of("unparseable", "too_large", "not_a_map", "unknown_type", "wrong_type",
                    "non_finite", "invalid_channel", "missing_field");
            assertTrue(deadLetters.keySet().containsAll(reasons), "dead letters by reason: " + deadLetters);
            Map<String, Long> counted = rejectMetrics(cluster, job, mustReject);
            for (String reason : reasons) {
                assertTrue(counted.getOrDefault(reason, 0L) > 0, "rejects counted by reason: " + counted);
            }
            assertEquals(mustReject, counted.values().stream().mapToLong(Long::longValue).sum(),
                    "every hostile message is counted as rejected, once: " + counted);
        } finally {
            relays.forEach(Relay::close);
        }
    }

    /** Counts this test's dead letters by reason. */
    private StatefulRedisPubSubConnection<String, byte[]> deadLetters(Map<String, Integer> byReason) {
        StatefulRedisPubSubConnection<String, byte[]> c = TestRedis.client().connectPubSub(
                io.lettuce.core.codec.RedisCodec.of(io.lettuce.core.codec.StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        c.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, byte[] message) {
                Map<String, Object> letter = codec.decodeMap(message);
                if (String.valueOf(letter.get("channel")).contains(token)) {
                    byReason.merge(String.valueOf(letter.get("reason")), 1, Integer::sum);
                }
            }
        });
        c.sync().subscribe("eegstream:dead-letter");
        return c;
    }

    /** The source's rejects by reason, summed over its subtasks, from Flink's REST API. */
    private static Map<String, Long> rejectMetrics(ClusterClient<?> cluster, RunningJob job, long expected)
            throws Exception {
        String base = "/jobs/" + job.jobId();
        String source = null;
        for (JsonNode v : FlinkRest.get(cluster, base).path("vertices")) {
            if (v.path("name").asText().contains("raw EEG")) {
                source = v.path("id").asText();
            }
        }
        String metrics = base + "/vertices/" + source + "/subtasks/metrics";
        Map<String, Long> counted = new TreeMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) { // Flink's REST metrics refresh every few seconds
            List<String> names = new ArrayList<>();
            for (JsonNode m : FlinkRest.get(cluster, metrics)) {
                if (m.path("id").asText().contains(".rejected.")) {
                    names.add(m.path("id").asText());
                }
            }
            counted.clear();
            if (!names.isEmpty()) {
                for (JsonNode m : FlinkRest.get(cluster, metrics + "?agg=sum&get=" + String.join(",", names))) {
                    String id = m.path("id").asText();
                    counted.put(id.substring(id.lastIndexOf('.') + 1), Math.round(m.path("sum").asDouble()));
                }
            }
            if (counted.values().stream().mapToLong(Long::longValue).sum() >= expected) {
                break;
            }
            Thread.sleep(1000);
        }
        return counted;
    }
}
