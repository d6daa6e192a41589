package io.github.eegstream.wire;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

/**
 * The hot path of {@link WireCodec#decodeRaw}: a well-formed msgpack {@code raw} message (the
 * seed's per-sample form) read straight into arrays, without building a tree. Anything else, and
 * anything unusual, returns null and is decoded by the general path, which gives rejects their
 * precise reason: the two paths accept exactly the same messages.
 *
 * <p>Keeps the channel names of the last layout it saw, so a stream's repeated layout is one
 * {@code String[]} shared by its messages. Not thread-safe: one per decoding thread.
 */
final class FastRawDecoder {

    private static final byte[] TYPE = "type".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TIMESTAMP = "timestamp".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHANNELS = "channels".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RAW = "raw".getBytes(StandardCharsets.US_ASCII);

    private byte[][] lastKeys = new byte[0][];
    private String[] lastNames = new String[0];

    /** The samples, or null to let the general path decide. */
    RawSamples decode(byte[] payload) {
        try (MessageUnpacker in = MessagePack.newDefaultUnpacker(payload)) {
            if (in.getNextFormat().getValueType() != ValueType.MAP) {
                return null;
            }
            int entries = in.unpackMapHeader();
            double timestamp = Double.NaN;
            String[] names = null;
            double[] values = null;
            for (int e = 0; e < entries; e++) {
                byte[] key = rawString(in);
                if (key == null) {
                    return null;
                }
                if (Arrays.equals(key, TYPE)) {
                    byte[] type = rawString(in);
                    if (type == null || !Arrays.equals(type, RAW)) {
                        return null;
                    }
                } else if (Arrays.equals(key, TIMESTAMP)) {
                    timestamp = number(in);
                } else if (Arrays.equals(key, CHANNELS)) {
                    if (in.getNextFormat().getValueType() != ValueType.MAP) {
                        return null;
                    }
                    int n = in.unpackMapHeader();
                    if (n == 0) {
                        return null;
                    }
                    byte[][] keys = new byte[n][];
                    values = new double[n];
                    for (int c = 0; c < n; c++) {
                        keys[c] = rawString(in);
                        if (keys[c] == null) {
                            return null;
                        }
                        values[c] = number(in);
                        if (!Double.isFinite(values[c])) {
                            return null;
                        }
                    }
                    names = names(keys);
                } else {
                    in.skipValue(); // unknown keys are ignored, as by the general path
                }
            }
            if (in.hasNext() || names == null || !Double.isFinite(timestamp)) {
                return null;
            }
            return RawSamples.single(timestamp, names, values);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The names of these keys; the previous array when the layout has not changed. */
    private String[] names(byte[][] keys) {
        if (keys.length == lastKeys.length) {
            boolean same = true;
            for (int i = 0; i < keys.length && same; i++) {
                same = Arrays.equals(keys[i], lastKeys[i]);
            }
            if (same) {
                return lastNames;
            }
        }
        String[] names = new String[keys.length];
        for (int i = 0; i < keys.length; i++) {
            names[i] = new String(keys[i], StandardCharsets.UTF_8);
            for (int j = 0; j < i; j++) {
                if (names[j].equals(names[i])) {
                    return null; // a duplicate key: the general path decides what that means
                }
            }
        }
        lastKeys = keys;
        lastNames = names;
        return names;
    }

    private static byte[] rawString(MessageUnpacker in) throws IOException {
        if (in.getNextFormat().getValueType() != ValueType.STRING) {
            return null;
        }
        return in.readPayload(in.unpackRawStringHeader());
    }

    /** A number, or NaN (which sends the message to the general path) for anything else. */
    private static double number(MessageUnpacker in) throws IOException {
        MessageFormat f = in.getNextFormat();
        return switch (f.getValueType()) {
            case FLOAT -> in.unpackDouble();
            case INTEGER -> f == MessageFormat.UINT64 ? in.unpackBigInteger().doubleValue() : in.unpackLong();
            default -> Double.NaN;
        };
    }
}
