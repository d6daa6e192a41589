package io.github.eegstream.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

class WireCodecTest {

    private final WireCodec codec = new WireCodec();

    /** Bytes exactly as the seed's Python relay makes them: msgpack.packb(dict) with float64 values. */
    private static byte[] seedSample(double timestamp, Map<String, Double> channels) throws Exception {
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        p.packMapHeader(3);
        p.packString("type").packString("raw");
        p.packString("timestamp").packDouble(timestamp);
        p.packString("channels").packMapHeader(channels.size());
        for (Map.Entry<String, Double> e : channels.entrySet()) {
            p.packString(e.getKey()).packDouble(e.getValue());
        }
        return p.toByteArray();
    }

    @Test
    void decodesTheSeedsPerSampleFormKeepingChannelOrder() throws Exception {
        Map<String, Double> channels = new LinkedHashMap<>();
        channels.put("Ch2", 1.5);
        channels.put("Ch0", -3.25);
        channels.put("Ch1", 0.1);
        RawSamples s = codec.decodeRaw(seedSample(1732636800.125, channels));
        assertArrayEquals(new String[] {"Ch2", "Ch0", "Ch1"}, s.channels());
        assertArrayEquals(new double[] {1732636800.125}, s.timestamps());
        assertArrayEquals(new double[] {1.5, -3.25, 0.1}, s.values());
        assertEquals("raw", s.type());
    }

    @Test
    void samplesRoundTripExactlyThroughMsgpackAndJson() {
        double[] values = {0.1, -1e-7, 123456.789, 3.0, Math.PI, -0.0};
        RawSamples single = RawSamples.single(1732636800.123456, new String[] {"a", "b", "c", "d", "e", "f"}, values);
        assertEquals(single, codec.decodeRaw(codec.encode(single)));
        assertEquals(single, codec.decodeRaw(codec.encodeJson(single).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void chunksRoundTripWithRegularAndIrregularTimestamps() {
        String[] ch = {"Fp1", "Fp2"};
        double[] regular = new double[32];
        double[] jittered = new double[32];
        double[] values = new double[64];
        for (int i = 0; i < 32; i++) {
            regular[i] = 1000.0 + i / 256.0;
            jittered[i] = regular[i] + (i % 3) * 1e-4;
            values[2 * i] = i * 0.5;
            values[2 * i + 1] = -i * 0.1;
        }
        RawSamples a = new RawSamples(ch, regular, values, 256);
        RawSamples b = new RawSamples(ch, jittered, values, 256);
        assertEquals(a, codec.decodeRaw(codec.encode(a)));
        assertEquals(b, codec.decodeRaw(codec.encode(b)));
        assertTrue(codec.encodeJson(a).contains("\"t0\""), "regular chunks are sent as t0 and rate");
        assertTrue(codec.encodeJson(b).contains("\"timestamps\""), "irregular ones carry every timestamp");
        assertTrue(codec.encode(a).length < codec.encode(b).length);
    }

    @Test
    void acceptsTheMinimalPredictionFromTheSeedGuide() {
        WireMessage m = codec.decode(ChannelKind.PREDICTIONS,
                "{\"type\":\"prediction\",\"data\":{\"workload\":0.85}}".getBytes(StandardCharsets.UTF_8));
        Prediction p = assertInstanceOf(Prediction.class, m);
        assertEquals(Map.of("workload", 0.85), p.data());
        assertNull(p.confidence());
        assertNull(p.timestamp());
    }

    @Test
    void predictionsCommandsAndAlertsRoundTrip() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("workload", 0.62);
        data.put("label", "high");
        Prediction p = new Prediction("workload", data, 0.9, "colleague-model", 1000.5, 998.5, 1000.5, 512,
                "builtin:indices", "1", true, 1234);
        assertEquals(p, codec.decode(ChannelKind.PREDICTIONS, codec.encode(p)));
        assertEquals(p, codec.decode(ChannelKind.PREDICTIONS, codec.encodeJson(p).getBytes(StandardCharsets.UTF_8)));
        Command c = new Command("set", Map.of("workload", 0.8), "test", 12.0);
        assertEquals(c, codec.decode(ChannelKind.COMMANDS, codec.encode(c)));
        Alert a = new Alert("stream_stalled", "warning", "raised", "no samples for 5 s", "job", 3.0, Map.of());
        assertEquals(a, codec.decode(ChannelKind.ALERTS, codec.encode(a)));
    }

    @Test
    void featuresRoundTrip() {
        Features f = new Features(10.5, 8.5, 10.5, 512, 256, List.of("Fz", "Pz"),
                Map.of("alpha", new double[] {1.5, 2.25}), Map.of("alpha", new double[] {0.4, 0.6}),
                new double[] {1.0, 0.0}, List.of("", "flat"), Map.of("workload", 0.3), 0.5, "eegstream:default");
        assertEquals(f, codec.decode(ChannelKind.FEATURES, codec.encode(f)));
        assertEquals(f, codec.decode(ChannelKind.FEATURES, codec.encodeJson(f).getBytes(StandardCharsets.UTF_8)));
        WireException e = assertThrows(WireException.class, () -> codec.decode(ChannelKind.FEATURES,
                bytes(codec.encodeJson(f).replace("\"quality\":[1.0,0.0]", "\"quality\":[1.0]"))));
        assertEquals(RejectReason.WRONG_TYPE, e.reason());
    }

    @Test
    void rejectsBadInputWithItsReason() {
        assertReject(RejectReason.UNPARSEABLE, new byte[] {(byte) 0xc1});
        assertReject(RejectReason.UNPARSEABLE, bytes("{\"type\":\"raw\""));
        assertReject(RejectReason.UNPARSEABLE, new byte[0]);
        assertReject(RejectReason.NOT_A_MAP, bytes("[1,2]"));
        assertReject(RejectReason.NOT_A_MAP, new byte[] {0x05});
        assertReject(RejectReason.UNKNOWN_TYPE, bytes("{\"type\":\"telemetry\"}"));
        assertReject(RejectReason.UNKNOWN_TYPE, bytes("{\"type\":\"prediction\",\"data\":{}}"));
        assertReject(RejectReason.MISSING_FIELD, bytes("{\"type\":\"raw\",\"channels\":{\"a\":1}}"));
        assertReject(RejectReason.MISSING_FIELD, bytes("{\"type\":\"raw\",\"timestamp\":1}"));
        assertReject(RejectReason.WRONG_TYPE, bytes("{\"type\":\"raw\",\"timestamp\":\"noon\",\"channels\":{\"a\":1}}"));
        assertReject(RejectReason.WRONG_TYPE, bytes("{\"type\":\"raw\",\"timestamp\":1,\"channels\":{\"a\":true}}"));
        assertReject(RejectReason.WRONG_TYPE, bytes("{\"type\":\"raw\",\"timestamp\":1,\"channels\":{}}"));
        assertReject(RejectReason.NON_FINITE, bytes("{\"type\":\"raw\",\"timestamp\":1,\"channels\":{\"a\":NaN}}"));
        assertReject(RejectReason.WRONG_TYPE, bytes(
                "{\"type\":\"raw_chunk\",\"channels\":[\"a\",\"b\"],\"t0\":1,\"rate\":10,\"samples\":[[1,2],[3]]}"));
        assertReject(RejectReason.MISSING_FIELD, bytes(
                "{\"type\":\"raw_chunk\",\"channels\":[\"a\"],\"t0\":1,\"samples\":[[1]]}"));
        assertReject(RejectReason.TOO_LARGE, new byte[WireCodec.DEFAULT_MAX_BYTES + 1]);
        assertReject(RejectReason.UNPARSEABLE, bytes("[".repeat(100) + "]".repeat(100)));
    }

    @Test
    void theFastPathAndTheGeneralPathAgree() throws Exception {
        List<byte[]> messages = new java.util.ArrayList<>();
        messages.add(seedSample(1.25, Map.of("a", 1.5)));
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        p.packMapHeader(4).packString("extra").packArrayHeader(2).packInt(1).packString("x")
                .packString("channels").packMapHeader(2).packString("Fz").packInt(-3).packString("Cz").packLong(1L << 40)
                .packString("timestamp").packInt(17).packString("type").packString("raw");
        messages.add(p.toByteArray()); // integers, an unknown key, keys in another order
        p = MessagePack.newDefaultBufferPacker();
        p.packMapHeader(2).packString("timestamp").packDouble(2.5).packString("channels").packMapHeader(1)
                .packString("Fz").packFloat(0.1f);
        messages.add(p.toByteArray()); // no type: a raw channel's own
        messages.add(seedSample(3.0, Map.of("b", 2.0))); // a new layout after another
        double[] ts = {10.0, 10.5, 11.25};
        messages.add(codec.encode(new RawSamples(new String[] {"a", "b"}, ts, new double[] {1, 2, 3, 4, 5, 6}, 0)));
        double[] regular = {20.0, 20.0 + 1 / 256.0, 20.0 + 2 / 256.0};
        messages.add(codec.encode(new RawSamples(new String[] {"a", "b"}, regular, new double[] {1, 2, 3, 4, 5, 6.5}, 256)));
        for (byte[] m : messages) {
            assertEquals(codec.decode(ChannelKind.RAW, m), codec.decodeRaw(m));
        }
        p = MessagePack.newDefaultBufferPacker();
        p.packMapHeader(2).packString("timestamp").packDouble(2.5).packString("channels").packMapHeader(2)
                .packString("Fz").packDouble(1).packString("Fz").packDouble(2);
        byte[] duplicate = p.toByteArray();
        assertEquals(codec.decode(ChannelKind.RAW, duplicate), codec.decodeRaw(duplicate), "a duplicate key: as the general path");
    }

    @Test
    void msgpackNaNIsRejected() throws Exception {
        Map<String, Double> channels = Map.of("a", Double.NaN);
        WireException e = assertThrows(WireException.class, () -> codec.decodeRaw(seedSample(1, channels)));
        assertEquals(RejectReason.NON_FINITE, e.reason());
    }

    @Test
    void channelNamesAndUserIdsAreValidated() {
        assertEquals(new Channel("jamie", ChannelKind.RAW), Channel.parse("user:jamie:raw"));
        assertEquals("user:a.b-c_1:alerts", Channel.of("a.b-c_1", ChannelKind.ALERTS).name());
        for (String bad : List.of("user:*:raw", "user::raw", "user:a:b:raw", "user:a b:raw", "users:a:raw", "user:a:video")) {
            assertEquals(RejectReason.INVALID_CHANNEL, assertThrows(WireException.class, () -> Channel.parse(bad)).reason(), bad);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UserId.requireValid("a:b"));
        assertTrue(e.getMessage().contains("A-Z a-z 0-9 _ . -"), e.getMessage());
    }

    @Test
    void toJsonTranscodesAnyMap() throws Exception {
        String json = codec.toJson(seedSample(1.5, Map.of("Fz", 2.0)));
        assertEquals("{\"type\":\"raw\",\"timestamp\":1.5,\"channels\":{\"Fz\":2.0}}", json);
    }

    private void assertReject(RejectReason reason, byte[] payload) {
        WireException e = assertThrows(WireException.class, () -> codec.decode(ChannelKind.RAW, payload));
        assertEquals(reason, e.reason(), e.getMessage());
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The raw fast path and the general decoder agree on thousands of random messages: every
     * number format, keys in any order, unknown keys, NaN, ragged rows, and corrupted bytes.
     */
    @Test
    void fastPathAndGeneralPathAgreeOnRandomMessages() throws Exception {
        java.util.Random random = new java.util.Random(42);
        int decoded = 0;
        for (int n = 0; n < 20_000; n++) {
            byte[] m = randomRawMessage(random);
            if (random.nextInt(4) == 0) {
                m = m.clone();
                if (random.nextBoolean()) {
                    m[random.nextInt(m.length)] = (byte) random.nextInt(256);
                } else {
                    m = java.util.Arrays.copyOf(m, random.nextInt(m.length));
                }
            }
            Object general = outcome(m, false);
            assertEquals(general, outcome(m, true), "message " + n + ": " + java.util.HexFormat.of().formatHex(m));
            decoded += general instanceof RawSamples ? 1 : 0;
        }
        assertTrue(decoded > 5_000, "most random messages are valid: " + decoded);
    }

    /** The decoded samples, or the reason the message was rejected. */
    private Object outcome(byte[] message, boolean fast) {
        try {
            return fast ? codec.decodeRaw(message) : codec.decode(ChannelKind.RAW, message);
        } catch (WireException e) {
            return e.reason();
        }
    }

    private static byte[] randomRawMessage(java.util.Random r) throws Exception {
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        int channels = 1 + r.nextInt(8);
        boolean chunk = r.nextBoolean();
        List<Runnable> fields = new java.util.ArrayList<>();
        java.util.function.Consumer<Runnable> field = fields::add;
        field.accept(() -> pack(p, "type", () -> p.packString(chunk ? "raw_chunk" : r.nextInt(20) == 0 ? "rav" : "raw")));
        if (chunk) {
            int rows = r.nextInt(20) == 0 ? 0 : 1 + r.nextInt(40);
            field.accept(() -> pack(p, "channels", () -> {
                p.packArrayHeader(channels);
                for (int c = 0; c < channels; c++) {
                    p.packString("ch" + c);
                }
            }));
            field.accept(() -> pack(p, "samples", () -> {
                p.packArrayHeader(rows);
                for (int s = 0; s < rows; s++) {
                    int w = r.nextInt(50) == 0 ? channels + 1 : channels;
                    p.packArrayHeader(w);
                    for (int c = 0; c < w; c++) {
                        packNumber(p, r);
                    }
                }
            }));
            if (r.nextBoolean()) {
                field.accept(() -> pack(p, "t0", () -> packNumber(p, r)));
                field.accept(() -> pack(p, "rate", () -> p.packDouble(r.nextInt(20) == 0 ? -1 : 256)));
            } else {
                field.accept(() -> pack(p, "timestamps", () -> {
                    int k = r.nextInt(10) == 0 ? rows + 1 : rows;
                    p.packArrayHeader(k);
                    for (int s = 0; s < k; s++) {
                        p.packDouble(1_795_000_000 + s / 256.0);
                    }
                }));
            }
        } else {
            field.accept(() -> pack(p, "timestamp", () -> packNumber(p, r)));
            field.accept(() -> pack(p, "channels", () -> {
                p.packMapHeader(channels);
                for (int c = 0; c < channels; c++) {
                    p.packString(r.nextInt(100) == 0 ? "ch0" : "ch" + c);
                    packNumber(p, r);
                }
            }));
        }
        if (r.nextInt(5) == 0) {
            field.accept(() -> pack(p, "user_id", () -> p.packString("x")));
        }
        if (r.nextInt(10) == 0) {
            field.accept(() -> pack(p, "meta", () -> p.packMapHeader(2).packString("a").packNil().packString("b")
                    .packArrayHeader(2).packBoolean(true).packFloat(1.5f)));
        }
        java.util.Collections.shuffle(fields, r);
        p.packMapHeader(fields.size());
        fields.forEach(Runnable::run);
        return p.toByteArray();
    }

    private interface Packing {
        void pack() throws Exception;
    }

    private static void pack(MessageBufferPacker p, String key, Packing value) {
        try {
            p.packString(key);
            value.pack();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A number in one of msgpack's formats, now and then NaN, infinite or not a number at all. */
    private static void packNumber(MessageBufferPacker p, java.util.Random r) throws Exception {
        switch (r.nextInt(12)) {
            case 0 -> p.packInt(r.nextInt(256) - 128);
            case 1 -> p.packLong(r.nextLong());
            case 2 -> p.packFloat((float) (r.nextGaussian() * 50));
            case 3 -> p.packBigInteger(java.math.BigInteger.valueOf(Long.MAX_VALUE).add(java.math.BigInteger.TEN));
            case 4 -> p.packShort((short) r.nextInt());
            case 5 -> p.packDouble(r.nextInt(30) == 0 ? Double.NaN : r.nextInt(30) == 0 ? Double.NEGATIVE_INFINITY
                    : r.nextGaussian() * 50);
            case 6 -> p.packInt(r.nextInt());
            case 7 -> {
                if (r.nextInt(30) == 0) {
                    p.packString("1.0");
                } else {
                    p.packDouble(1_795_000_000 + r.nextDouble());
                }
            }
            default -> p.packDouble(r.nextGaussian() * 50);
        }
    }
}
