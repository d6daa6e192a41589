package io.github.eegstream.lsl;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Protocol 1.00, liblsl's portable binary archive: magic {@code 7f}, archive version, the
 * shortinfo XML, two raw bytes {@code 00 00}, then samples whose every number is a varint: a
 * signed size byte n, then |n| little-endian bytes (sign-extended when n &lt; 0). Floats travel as
 * the varint of their bit pattern.
 */
final class ArchiveSampleDecoder implements SampleDecoder {

    private final DataInputStream in;
    private final ChannelFormat format;
    private final int channels;
    private final String shortInfo;
    private boolean first = true;

    /** Reads the archive's preamble. @throws IOException if it is not a portable archive */
    ArchiveSampleDecoder(InputStream in, ChannelFormat format, int channels) throws IOException {
        this.in = new DataInputStream(in);
        this.format = format;
        this.channels = channels;
        int magic = this.in.read();
        if (magic != 0x7f) {
            throw new IOException("not an LSL 1.00 archive: first byte " + magic);
        }
        long version = varint();
        if (version < 1) {
            throw new IOException("unsupported archive version " + version);
        }
        this.shortInfo = string();
    }

    /** The shortinfo XML the archive starts with. */
    String shortInfo() {
        return shortInfo;
    }

    @Override
    public LslSample next() throws IOException {
        if (first) { // the first sample object is preceded by two raw bytes (a class header)
            first = false;
            if (in.read() < 0 || in.read() < 0) {
                return null;
            }
        }
        int n = in.read();
        if (n < 0) {
            return null;
        }
        try {
            long tag = varint(n);
            double timestamp = Double.NaN;
            if (tag == TAG_TRANSMITTED) {
                timestamp = Double.longBitsToDouble(varint());
            } else if (tag != TAG_DEDUCED) {
                throw new IOException("malformed sample: tag " + tag + " (expected 1 or 2)");
            }
            if (format == ChannelFormat.STRING) {
                String[] strings = new String[channels];
                for (int c = 0; c < channels; c++) {
                    strings[c] = string();
                }
                return new LslSample(timestamp, tag == TAG_DEDUCED, null, strings);
            }
            double[] values = new double[channels];
            for (int c = 0; c < channels; c++) {
                long v = varint();
                values[c] = switch (format) {
                    case FLOAT32 -> Float.intBitsToFloat((int) v);
                    case DOUBLE64 -> Double.longBitsToDouble(v);
                    case INT32 -> (int) v;
                    case INT16 -> (short) v;
                    case INT8 -> (byte) v;
                    case INT64 -> v;
                    case STRING -> throw new IllegalStateException();
                };
            }
            return new LslSample(timestamp, tag == TAG_DEDUCED, values, null);
        } catch (EOFException e) {
            throw new EOFException("the stream ended within a sample");
        }
    }

    private long varint() throws IOException {
        int n = in.read();
        if (n < 0) {
            throw new EOFException();
        }
        return varint(n);
    }

    private long varint(int sizeByte) throws IOException {
        int n = (byte) sizeByte; // signed
        if (n == 0) {
            return 0;
        }
        int size = Math.abs(n);
        if (size > 8) {
            throw new IOException("malformed varint of " + size + " bytes");
        }
        long value = n < 0 ? -1L : 0L;
        for (int i = 0; i < size; i++) {
            long b = in.readUnsignedByte();
            value = (value & ~(0xffL << (8 * i))) | (b << (8 * i));
        }
        return value;
    }

    private String string() throws IOException {
        long length = varint();
        if (length < 0 || length > (1 << 24)) {
            throw new IOException("implausible string length " + length);
        }
        byte[] bytes = new byte[(int) length];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
