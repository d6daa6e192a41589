package io.github.eegstream.testing;

import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.RawSamples;
import io.github.eegstream.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/** Every kind of hostile message we know, for the storm tests: malformed, oversized, deep, on bad channels. */
public final class HostileMessages {

    private final String token;
    private final Random random;
    private final WireCodec codec = new WireCodec();

    /** @param token unique to the test: the attacker's user ids start with it */
    public HostileMessages(String token, Random random) {
        this.token = token;
        this.random = random;
    }

    /** A message, and whether the job must reject it (messages to a relay's channels and valid ones it must not). */
    public record Hostile(String channel, byte[] payload, boolean rejected) {
        Hostile(String channel, byte[] payload) {
            this(channel, payload, channel.endsWith(":raw"));
        }
    }

    /** One of each kind of hostile message, in turn. */
    public List<Supplier<Hostile>> kinds(String goodUser) {
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

    public interface Packing {
        void pack(MessageBufferPacker p) throws Exception;
    }

    public static byte[] msgpack(Packing packing) {
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            packing.pack(p);
            return p.toByteArray();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An array in an array in an array ... {@code depth} deep. */
    public static byte[] deepMsgpack(int depth) {
        byte[] b = new byte[depth + 1];
        Arrays.fill(b, (byte) 0x91); // fixarray of one element
        b[depth] = (byte) 0xc0; // nil
        return b;
    }

}
