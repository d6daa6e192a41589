package io.github.eegstream.lsl;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Protocol 1.10: {@code tag:u8 [timestamp:f64 if tag==2] value[channel_count]}, every multi-byte
 * number in the byte order the outlet announced; strings as {@code nbytes:u8 length:u<nbytes> bytes}.
 */
final class BinarySampleDecoder implements SampleDecoder {

    private final DataInputStream in;
    private final ByteOrder order;
    private final ChannelFormat format;
    private final int channels;
    private final byte[] scratch;
    private final ByteBuffer buffer;

    BinarySampleDecoder(InputStream in, ByteOrder order, ChannelFormat format, int channels) {
        this.in = new DataInputStream(in);
        this.order = order;
        this.format = format;
        this.channels = channels;
        this.scratch = new byte[Math.max(8, format.valueSize() * channels)];
        this.buffer = ByteBuffer.wrap(scratch).order(order);
    }

    @Override
    public LslSample next() throws IOException {
        int tag = in.read();
        if (tag < 0) {
            return null;
        }
        try {
            double timestamp = Double.NaN;
            if (tag == TAG_TRANSMITTED) {
                in.readFully(scratch, 0, 8);
                timestamp = buffer.getDouble(0);
            } else if (tag != TAG_DEDUCED) {
                throw new IOException("malformed sample: tag " + tag + " (expected 1 or 2)");
            }
            if (format == ChannelFormat.STRING) {
                String[] strings = new String[channels];
                for (int c = 0; c < channels; c++) {
                    strings[c] = readString();
                }
                return new LslSample(timestamp, tag == TAG_DEDUCED, null, strings);
            }
            int size = format.valueSize();
            in.readFully(scratch, 0, size * channels);
            double[] values = new double[channels];
            for (int c = 0, at = 0; c < channels; c++, at += size) {
                values[c] = switch (format) {
                    case FLOAT32 -> buffer.getFloat(at);
                    case DOUBLE64 -> buffer.getDouble(at);
                    case INT32 -> buffer.getInt(at);
                    case INT16 -> buffer.getShort(at);
                    case INT8 -> scratch[at];
                    case INT64 -> buffer.getLong(at);
                    case STRING -> throw new IllegalStateException();
                };
            }
            return new LslSample(timestamp, tag == TAG_DEDUCED, values, null);
        } catch (EOFException e) {
            throw new EOFException("the stream ended within a sample");
        }
    }

    private String readString() throws IOException {
        int nbytes = in.readUnsignedByte();
        if (nbytes != 1 && nbytes != 2 && nbytes != 4 && nbytes != 8) {
            throw new IOException("malformed string value: length of " + nbytes + " bytes");
        }
        in.readFully(scratch, 0, nbytes);
        long length = switch (nbytes) {
            case 1 -> scratch[0] & 0xff;
            case 2 -> buffer.getShort(0) & 0xffff;
            case 4 -> buffer.getInt(0) & 0xffffffffL;
            default -> buffer.getLong(0);
        };
        if (length < 0 || length > (1 << 24)) {
            throw new IOException("implausible string length " + length);
        }
        byte[] bytes = new byte[(int) length];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    ByteOrder order() {
        return order;
    }
}
