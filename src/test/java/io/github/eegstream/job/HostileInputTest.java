package io.github.eegstream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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

            List<Supplier<Hostile>> kinds = hostileKinds(good.get(0));
            List<RedisFuture<Long>> sent = new ArrayList<>();
            long mustReject = 0;
            long perMessageNanos = STORM_TIME.toNanos() / STORM;
            long next = System.nanoTime();
            for (int n = 0; n < STORM; n++) {
                Hostile h = kinds.get(n % kinds.size()).get();
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

    /** A message, and whether the job must reject it (messages to a relay's channels and valid ones it must not). */
    private record Hostile(String channel, byte[] payload, boolean rejected) {
        Hostile(String channel, byte[] payload) {
            this(channel, payload, channel.endsWith(":raw"));
        }
    }

    /** One of each kind of hostile message, in turn. */
    private List<Supplier<Hostile>> hostileKinds(String goodUser) {
        String attacker = token + "-attacker";
        String raw = Channel.of(attacker, ChannelKind.RAW).name();
        String goodRaw = Channel.of(goodUser, ChannelKind.RAW).name();
        String[] eight = {"Fp1", "Fp2", "F3", "F4", "C3", "C4", "O1", "O2"};
        String[] three = {"Fp1", "Fp2", "F3"};
        double[] t = {System.currentTimeMillis() / 1000.0};
        List<Supplier<Hostile>> kinds = new ArrayList<>();
        // Truncated msgpack, on a good user's channel: rejected, the user's stream untouched.
        kinds.add(() -> {
            byte[] whole = codec.encode(RawSamples.single(t[0], eight, new double[8]));
            return new Hostile(goodRaw, Arrays.copyOf(whole, whole.length / 2));
        });
        kinds.add(() -> new Hostile(raw, new byte[] {(byte) 0xc1, 1, 2, 3})); // 0xc1: never valid msgpack
        kinds.add(() -> new Hostile(goodRaw, "{\"type\":\"raw\",\"timestamp\":".getBytes(StandardCharsets.UTF_8)));
        kinds.add(() -> new Hostile(raw, "[1, 2, 3]".getBytes(StandardCharsets.UTF_8))); // not a map
        kinds.add(() -> new Hostile(raw, "{\"type\":\"telepathy\",\"data\":{}}".getBytes(StandardCharsets.UTF_8)));
        kinds.add(() -> new Hostile(raw, "{\"type\":\"raw\",\"timestamp\":1}".getBytes(StandardCharsets.UTF_8)));
        kinds.add(() -> new Hostile(raw,
                "{\"type\":\"raw\",\"timestamp\":\"yesterday\",\"channels\":{\"Fp1\":\"x\"}}".getBytes(StandardCharsets.UTF_8)));
        kinds.add(() -> new Hostile(raw, msgpack(p -> {
            p.packMapHeader(3).packString("type").packString("raw").packString("timestamp").packDouble(t[0] += 0.004);
            p.packString("channels").packMapHeader(2).packString("Fp1").packDouble(Double.NaN)
                    .packString("Fp2").packDouble(Double.POSITIVE_INFINITY);
        })));
        kinds.add(() -> new Hostile(raw, deepMsgpack(100_000)));
        kinds.add(() -> new Hostile(raw, "[".repeat(100_000).getBytes(StandardCharsets.UTF_8)));
        // The attacker's channel count changes with every message: counted, never a crash.
        kinds.add(() -> new Hostile(raw, codec.encode(RawSamples.single(t[0] += 0.004, eight, new double[8])), false));
        kinds.add(() -> new Hostile(raw, codec.encode(RawSamples.single(t[0] += 0.004, three, new double[3])), false));
        kinds.add(() -> new Hostile("user:" + token + " bad id:raw", "{}".getBytes(StandardCharsets.UTF_8)));
        kinds.add(() -> new Hostile("user:" + token + "x".repeat(80) + ":raw", codec.encode(
                RawSamples.single(t[0], eight, new double[8]))));
        // Inbound garbage at a good relay: predictions, commands and alerts it must ignore.
        kinds.add(() -> new Hostile(Channel.of(goodUser, ChannelKind.PREDICTIONS).name(), new byte[] {(byte) 0xc1}));
        kinds.add(() -> new Hostile(Channel.of(goodUser, ChannelKind.COMMANDS).name(),
                "{\"command\": 42}".getBytes(StandardCharsets.UTF_8)));
        kinds.add(() -> new Hostile(Channel.of(goodUser, ChannelKind.ALERTS).name(), deepMsgpack(10_000)));
        // Big payloads, rarely: 1 MB of noise (unparseable) and 5 MB (over the 4 MB limit).
        int[] big = {0};
        kinds.add(() -> {
            byte[] noise = new byte[(big[0]++ % 10 == 0) ? 5 << 20 : 1 << 20];
            random.nextBytes(noise);
            noise[0] = (byte) 0xc1;
            return new Hostile(raw, noise);
        });
        return withBigOnesRare(kinds);
    }

    /** The big payloads one message in 300, not one in 18. */
    private static List<Supplier<Hostile>> withBigOnesRare(List<Supplier<Hostile>> kinds) {
        Supplier<Hostile> bigOne = kinds.get(kinds.size() - 1);
        List<Supplier<Hostile>> small = kinds.subList(0, kinds.size() - 1);
        List<Supplier<Hostile>> out = new ArrayList<>();
        for (int i = 0; i < 300 / small.size(); i++) {
            out.addAll(small);
        }
        out.add(bigOne);
        return out;
    }

    private interface Packing {
        void pack(MessageBufferPacker p) throws Exception;
    }

    private static byte[] msgpack(Packing packing) {
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            packing.pack(p);
            return p.toByteArray();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An array in an array in an array ... {@code depth} deep. */
    private static byte[] deepMsgpack(int depth) {
        byte[] b = new byte[depth + 1];
        Arrays.fill(b, (byte) 0x91); // fixarray of one element
        b[depth] = (byte) 0xc0; // nil
        return b;
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
