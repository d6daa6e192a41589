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
 * seed's per-sample form) or {@code raw_chunk} read straight into arrays, without building a tree. Anything else, and
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
    private static final byte[] CHUNK = "raw_chunk".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SAMPLES = "samples".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] T0 = "t0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RATE = "rate".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TIMESTAMPS = "timestamps".getBytes(StandardCharsets.US_ASCII);

    private byte[][] lastKeys = new byte[0][];
    private String[] lastNames = new String[0];

    /** The samples, or null to let the general path decide. */
    RawSamples decode(byte[] payload) {
        try (MessageUnpacker in = MessagePack.newDefaultUnpacker(payload)) {
            if (in.getNextFormat().getValueType() != ValueType.MAP) {
                return null;
            }
            int entries = in.unpackMapHeader();
            boolean chunk = false;
            double timestamp = Double.NaN;
            double t0 = Double.NaN;
            double rate = 0;
            boolean hasRate = false;
            double[] timestamps = null;
            String[] names = null;
            double[] values = null;
            double[][] rows = null;
            for (int e = 0; e < entries; e++) {
                byte[] key = rawString(in);
                if (key == null) {
                    return null;
                }
                if (Arrays.equals(key, TYPE)) {
                    byte[] type = rawString(in);
                    if (type != null && Arrays.equals(type, CHUNK)) {
                        chunk = true;
                    } else if (type == null || !Arrays.equals(type, RAW)) {
                        return null;
                    }
                } else if (Arrays.equals(key, TIMESTAMP)) {
                    timestamp = number(in);
                } else if (Arrays.equals(key, CHANNELS)) {
                    ValueType t = in.getNextFormat().getValueType();
                    if (t == ValueType.MAP) {
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
                    } else if (t == ValueType.ARRAY) {
                        int n = in.unpackArrayHeader();
                        if (n == 0) {
                            return null;
                        }
                        byte[][] keys = new byte[n][];
                        for (int c = 0; c < n; c++) {
                            keys[c] = rawString(in);
                            if (keys[c] == null) {
                                return null;
                            }
                        }
                        names = names(keys);
                    } else {
                        return null;
                    }
                } else if (Arrays.equals(key, SAMPLES)) {
                    rows = rows(in);
                    if (rows == null) {
                        return null;
                    }
                } else if (Arrays.equals(key, T0)) {
                    t0 = number(in);
                } else if (Arrays.equals(key, RATE)) {
                    rate = number(in);
                    hasRate = true;
                } else if (Arrays.equals(key, TIMESTAMPS)) {
                    timestamps = numbers(in);
                    if (timestamps == null) {
                        return null;
                    }
                } else {
                    in.skipValue(); // unknown keys are ignored, as by the general path
                }
            }
            if (in.hasNext() || names == null) {
                return null;
            }
            if (!chunk) {
                return values != null && Double.isFinite(timestamp) ? RawSamples.single(timestamp, names, values) : null;
            }
            return chunk(names, rows, timestamps, t0, rate, hasRate);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static RawSamples chunk(String[] names, double[][] rows, double[] timestamps, double t0, double rate,
            boolean hasRate) {
        if (rows == null || rows.length == 0 || (hasRate && !(rate >= 0 && Double.isFinite(rate)))) {
            return null;
        }
        int n = rows.length;
        int w = names.length;
        double[] values = new double[n * w];
        for (int s = 0; s < n; s++) {
            if (rows[s].length != w) {
                return null;
            }
            System.arraycopy(rows[s], 0, values, s * w, w);
        }
        if (timestamps == null) {
            if (!Double.isFinite(t0) || !(rate > 0)) {
                return null;
            }
            timestamps = new double[n];
            for (int s = 0; s < n; s++) {
                timestamps[s] = RawChunkTiming.timestamp(t0, rate, s);
            }
        } else if (timestamps.length != n) {
            return null;
        }
        return new RawSamples(names, timestamps, values, rate);
    }

    /** Rows of finite numbers, or null. */
    private static double[][] rows(MessageUnpacker in) throws IOException {
        if (in.getNextFormat().getValueType() != ValueType.ARRAY) {
            return null;
        }
        double[][] rows = new double[in.unpackArrayHeader()][];
        for (int s = 0; s < rows.length; s++) {
            rows[s] = numbers(in);
            if (rows[s] == null) {
                return null;
            }
        }
        return rows;
    }

    /** An array of finite numbers, or null. */
    private static double[] numbers(MessageUnpacker in) throws IOException {
        if (in.getNextFormat().getValueType() != ValueType.ARRAY) {
            return null;
        }
        double[] out = new double[in.unpackArrayHeader()];
        for (int i = 0; i < out.length; i++) {
            out[i] = number(in);
            if (!Double.isFinite(out[i])) {
                return null;
            }
        }
        return out;
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
