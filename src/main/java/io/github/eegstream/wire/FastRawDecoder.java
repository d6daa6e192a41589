package io.github.eegstream.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The hot path of {@link WireCodec#decodeRaw}: a well-formed msgpack {@code raw} message (the
 * seed's per-sample form) or {@code raw_chunk} read straight from its bytes into arrays, without
 * building a tree or going through a general unpacker value by value. Anything else, and anything
 * unusual, returns null and is decoded by the general path, which gives rejects their precise
 * reason: the two paths accept exactly the same messages, with the same result.
 *
 * <p>Keeps the channel names of the last layout it saw, so a stream's repeated layout is one
 * {@code String[]} shared by its messages. Not thread-safe: one per decoding thread.
 */
final class FastRawDecoder {

    /** "Let the general path decide": thrown, never escapes, and cheap (no stack trace). */
    private static final class Bail extends RuntimeException {
        Bail() {
            super(null, null, false, false);
        }
    }

    private static final Bail BAIL = new Bail();
    /** Eight (or four) big-endian bytes read at once, as msgpack stores numbers. */
    private static final java.lang.invoke.VarHandle BIG_ENDIAN_LONG =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);
    private static final java.lang.invoke.VarHandle BIG_ENDIAN_INT =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.BIG_ENDIAN);
    private static final int MAX_SKIP_DEPTH = 32;

    private static final byte[] TYPE = ascii(WireFields.TYPE);
    private static final byte[] TIMESTAMP = ascii(WireFields.TIMESTAMP);
    private static final byte[] CHANNELS = ascii(WireFields.CHANNELS);
    private static final byte[] RAW = ascii(RawSamples.TYPE);
    private static final byte[] CHUNK = ascii(RawSamples.CHUNK_TYPE);
    private static final byte[] SAMPLES = ascii(WireFields.SAMPLES);
    private static final byte[] T0 = ascii(WireFields.T0);
    private static final byte[] RATE = ascii(WireFields.RATE);
    private static final byte[] TIMESTAMPS = ascii(WireFields.TIMESTAMPS);
    private static final byte[][] KEYS = {TYPE, TIMESTAMP, CHANNELS, SAMPLES, T0, RATE, TIMESTAMPS};

    private byte[][] lastKeys = new byte[0][];
    private String[] lastNames = new String[0];
    private byte[] b;
    private int p;

    /** The samples, or null to let the general path decide. */
    RawSamples decode(byte[] payload) {
        b = payload;
        p = 0;
        try {
            return message();
        } catch (Bail | IndexOutOfBoundsException | NegativeArraySizeException e) {
            return null;
        } finally {
            b = null;
        }
    }

    private RawSamples message() {
        int entries = mapHeader();
        int seen = 0;
        boolean chunk = false;
        double timestamp = Double.NaN;
        double t0 = Double.NaN;
        double rate = 0;
        boolean hasRate = false;
        double[] timestamps = null;
        String[] names = null;
        double[] values = null; // one sample's, from a channels map
        double[] samples = null; // a chunk's, row after row
        int rows = -1;
        int width = -1;
        for (int e = 0; e < entries; e++) {
            int keyLength = strHeader();
            int key = knownKey(p, keyLength);
            p += keyLength;
            if (key < 0) {
                skip(MAX_SKIP_DEPTH); // unknown keys are ignored, as by the general path
                continue;
            }
            if ((seen & (1 << key)) != 0) {
                throw BAIL; // a repeated key: the general path decides what it means
            }
            seen |= 1 << key;
            switch (key) {
                case 0 -> { // type
                    int n = strHeader();
                    if (same(p, n, CHUNK)) {
                        chunk = true;
                    } else if (!same(p, n, RAW)) {
                        throw BAIL;
                    }
                    p += n;
                }
                case 1 -> timestamp = number();
                case 2 -> { // channels: name -> value (one sample), or names (a chunk)
                    int marker = b[p] & 0xff;
                    boolean map = marker >= 0x80 && marker <= 0x8f || marker == 0xde || marker == 0xdf;
                    int n = map ? mapHeader() : arrayHeader();
                    if (n == 0) {
                        throw BAIL;
                    }
                    int[] offsets = new int[n];
                    int[] lengths = new int[n];
                    if (map) {
                        values = new double[n];
                    }
                    for (int c = 0; c < n; c++) {
                        lengths[c] = strHeader();
                        offsets[c] = p;
                        p += lengths[c];
                        if (map) {
                            values[c] = finite(number());
                        }
                    }
                    names = names(offsets, lengths);
                }
                case 3 -> { // samples: rows of numbers, read straight into one array
                    rows = arrayHeader();
                    for (int s = 0; s < rows; s++) {
                        int w = arrayHeader();
                        if (s == 0) {
                            width = w;
                            samples = new double[rows * w];
                        } else if (w != width) {
                            throw BAIL;
                        }
                        int at = s * w;
                        for (int c = 0; c < w; c++) {
                            samples[at + c] = finite(sampleValue());
                        }
                    }
                }
                case 4 -> t0 = number();
                case 5 -> {
                    rate = number();
                    hasRate = true;
                }
                default -> { // timestamps
                    timestamps = new double[arrayHeader()];
                    for (int i = 0; i < timestamps.length; i++) {
                        timestamps[i] = finite(number());
                    }
                }
            }
        }
        if (p != b.length || names == null) {
            throw BAIL;
        }
        if (!chunk) {
            if (rows >= 0 || values == null || values.length != names.length || !Double.isFinite(timestamp)) {
                throw BAIL;
            }
            return RawSamples.single(timestamp, names, values);
        }
        if (rows <= 0 || width != names.length || (hasRate && !(rate >= 0 && Double.isFinite(rate)))) {
            throw BAIL;
        }
        if (timestamps == null) {
            if (!Double.isFinite(t0) || !(rate > 0)) {
                throw BAIL;
            }
            timestamps = new double[rows];
            double start = Timestamps.toSeconds(t0); // once, not per sample: RawChunkTiming.timestamp's own sum
            for (int s = 0; s < rows; s++) {
                timestamps[s] = start + s / rate;
            }
        } else if (timestamps.length != rows) {
            throw BAIL;
        }
        return new RawSamples(names, timestamps, samples, rate);
    }

    /** The index in {@link #KEYS} of the key at {@code at}, or -1. */
    private int knownKey(int at, int length) {
        for (int k = 0; k < KEYS.length; k++) {
            if (same(at, length, KEYS[k])) {
                return k;
            }
        }
        return -1;
    }

    /** The names of these keys; the previous array when the layout has not changed. */
    private String[] names(int[] offsets, int[] lengths) {
        if (offsets.length == lastKeys.length) {
            boolean same = true;
            for (int i = 0; i < offsets.length && same; i++) {
                same = same(offsets[i], lengths[i], lastKeys[i]);
            }
            if (same) {
                return lastNames;
            }
        }
        String[] names = new String[offsets.length];
        byte[][] keys = new byte[offsets.length][];
        for (int i = 0; i < names.length; i++) {
            keys[i] = Arrays.copyOfRange(b, offsets[i], offsets[i] + lengths[i]);
            names[i] = new String(keys[i], StandardCharsets.UTF_8);
            for (int j = 0; j < i; j++) {
                if (names[j].equals(names[i])) {
                    throw BAIL; // a duplicate name: the general path decides what that means
                }
            }
        }
        lastKeys = keys;
        lastNames = names;
        return names;
    }

    private boolean same(int at, int length, byte[] expected) {
        return length == expected.length && Arrays.equals(b, at, at + length, expected, 0, length);
    }

    private int mapHeader() {
        int m = b[p++] & 0xff;
        if (m >= 0x80 && m <= 0x8f) {
            return m & 0x0f;
        }
        return switch (m) {
            case 0xde -> u16();
            case 0xdf -> u32();
            default -> throw BAIL;
        };
    }

    private int arrayHeader() {
        int m = b[p++] & 0xff;
        if (m >= 0x90 && m <= 0x9f) {
            return m & 0x0f;
        }
        return switch (m) {
            case 0xdc -> u16();
            case 0xdd -> u32();
            default -> throw BAIL;
        };
    }

    private int strHeader() {
        int m = b[p++] & 0xff;
        int n;
        if (m >= 0xa0 && m <= 0xbf) {
            n = m & 0x1f;
        } else {
            n = switch (m) {
                case 0xd9 -> b[p++] & 0xff;
                case 0xda -> u16();
                case 0xdb -> u32();
                default -> throw BAIL;
            };
        }
        if (p + n > b.length) {
            throw BAIL;
        }
        return n;
    }

    /**
     * A sample's value: writers send float32 or float64 (see the wire format), so those two are
     * read first, before the general {@link #number} switch.
     */
    private double sampleValue() {
        int m = b[p];
        if (m == (byte) 0xca) {
            float f = Float.intBitsToFloat((int) BIG_ENDIAN_INT.get(b, p + 1));
            p += 5;
            return f;
        }
        if (m == (byte) 0xcb) {
            double d = Double.longBitsToDouble((long) BIG_ENDIAN_LONG.get(b, p + 1));
            p += 9;
            return d;
        }
        return number();
    }

    /** A number of any msgpack integer or float format. */
    private double number() {
        int m = b[p++] & 0xff;
        if (m <= 0x7f) {
            return m;
        }
        if (m >= 0xe0) {
            return (byte) m;
        }
        return switch (m) {
            case 0xcb -> Double.longBitsToDouble(s64());
            case 0xca -> {
                float f = Float.intBitsToFloat((int) BIG_ENDIAN_INT.get(b, p));
                p += 4;
                yield f;
            }
            case 0xcc -> b[p++] & 0xff;
            case 0xcd -> u16();
            case 0xce -> (double) be(4);
            case 0xcf -> unsigned(s64());
            case 0xd0 -> b[p++];
            case 0xd1 -> (short) be(2);
            case 0xd2 -> (int) be(4);
            case 0xd3 -> (double) s64();
            default -> throw BAIL;
        };
    }

    /** A uint64 that fits a long; larger ones go to the general path (it rounds them exactly). */
    private static double unsigned(long v) {
        if (v < 0) {
            throw BAIL;
        }
        return v;
    }

    private static double finite(double v) {
        if (!Double.isFinite(v)) {
            throw BAIL; // the general path rejects it, as non_finite
        }
        return v;
    }

    /** Skips one value of the plain kinds; anything exotic goes to the general path. */
    private void skip(int depth) {
        if (depth == 0) {
            throw BAIL;
        }
        int m = b[p] & 0xff;
        if (m <= 0x7f || m >= 0xe0 || (m >= 0xca && m <= 0xd3)) {
            number();
        } else if (m >= 0xa0 && m <= 0xbf || m >= 0xd9 && m <= 0xdb) {
            p += strHeader();
        } else if (m == 0xc0 || m == 0xc2 || m == 0xc3) {
            p++;
        } else if (m >= 0x90 && m <= 0x9f || m == 0xdc || m == 0xdd) {
            for (int n = arrayHeader(); n > 0; n--) {
                skip(depth - 1);
            }
        } else if (m >= 0x80 && m <= 0x8f || m == 0xde || m == 0xdf) {
            for (int n = mapHeader(); n > 0; n--) {
                p += strHeader(); // keys are strings, as the general path requires
                skip(depth - 1);
            }
        } else {
            throw BAIL;
        }
        if (p > b.length) {
            throw BAIL;
        }
    }

    private int u16() {
        return (int) be(2);
    }

    private int u32() {
        long v = be(4);
        if (v > Integer.MAX_VALUE) {
            throw BAIL;
        }
        return (int) v;
    }

    private long s64() {
        long v = (long) BIG_ENDIAN_LONG.get(b, p);
        p += 8;
        return v;
    }

    /** {@code n} (at most 4) big-endian bytes, unsigned. */
    private long be(int n) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            v = v << 8 | (b[p++] & 0xff);
        }
        return v;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
