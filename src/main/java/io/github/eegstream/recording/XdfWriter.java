package io.github.eegstream.recording;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes an XDF 1.0 file (the Lab Streaming Layer's format, as LabRecorder writes it): a
 * FileHeader, then per stream a StreamHeader, Samples and ClockOffset chunks, Boundary chunks
 * every few seconds so a reader can find its way after damage, and a StreamFooter per stream on
 * {@link #close()}. Each chunk is written whole and flushed at every boundary, so a file cut
 * short by a crash holds every chunk up to the last boundary.
 *
 * <p>All numbers are little-endian; lengths are XDF's variable-length integers (1, 4 or 8 bytes,
 * after a byte that says which).
 */
public final class XdfWriter implements Closeable {

    /** The chunk tags of XDF 1.0. */
    private enum Tag {
        FILE_HEADER(1), STREAM_HEADER(2), SAMPLES(3), CLOCK_OFFSET(4), BOUNDARY(5), STREAM_FOOTER(6);

        final int code;

        Tag(int code) {
            this.code = code;
        }
    }

    /** XDF's fixed boundary marker, 16 bytes. */
    private static final byte[] BOUNDARY = {0x43, (byte) 0xA5, 0x46, (byte) 0xDC, (byte) 0xCB, (byte) 0xF5, 0x41, 0x0F,
            (byte) 0xB3, 0x0E, (byte) 0xD5, 0x46, 0x73, (byte) 0x83, (byte) 0xCB, (byte) 0xE4};

    /** Whole chunks not yet on disk: written and forced to disk at each boundary (or when large). */
    private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(1 << 16);
    private final java.nio.channels.FileChannel file;
    private final List<Footer> footers = new ArrayList<>();
    private final long boundaryEveryNanos;
    private long lastBoundaryNanos = System.nanoTime();
    private boolean closed;

    /** What a stream's footer sums up. */
    private static final class Footer {
        final XdfStream stream;
        double first = Double.NaN;
        double last = Double.NaN;
        long count;
        final List<double[]> offsets = new ArrayList<>();

        Footer(XdfStream stream) {
            this.stream = stream;
        }
    }

    /**
     * A new file at {@code file} (replaced if it exists), with a boundary every second: each
     * boundary writes the chunks since the last one whole and forces them to disk.
     */
    public XdfWriter(Path file) throws IOException {
        this(file, java.time.Duration.ofSeconds(1));
    }

    XdfWriter(Path path, java.time.Duration boundaryEvery) throws IOException {
        this.file = java.nio.channels.FileChannel.open(path, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.TRUNCATE_EXISTING, java.nio.file.StandardOpenOption.WRITE);
        this.boundaryEveryNanos = boundaryEvery.toNanos();
        try {
            out.write("XDF:".getBytes(StandardCharsets.US_ASCII));
            chunk(Tag.FILE_HEADER, null, xml("<?xml version=\"1.0\"?><info><version>1.0</version></info>"));
            flush();
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** Writes the pending chunks (whole) and forces them to disk. */
    private void flush() throws IOException {
        ByteBuffer b = ByteBuffer.wrap(out.toByteArray());
        while (b.hasRemaining()) {
            file.write(b);
        }
        out.reset();
        file.force(false);
    }

    /** A boundary if one is due and anything was written since the last: for a caller's timer, when streams are idle. */
    public synchronized void boundaryIfDue() throws IOException {
        if (!closed && out.size() > 0 && System.nanoTime() - lastBoundaryNanos >= boundaryEveryNanos) {
            boundary();
        }
    }

    /** Declares a stream; returns its id for the writes that follow. */
    public synchronized int addStream(XdfStream stream) throws IOException {
        int id = footers.size() + 1;
        footers.add(new Footer(stream));
        chunk(Tag.STREAM_HEADER, id, xml(stream.headerXml()));
        // LabRecorder writes clock offsets per stream; these timestamps are already on one clock.
        clockOffset(id, 0, 0);
        return id;
    }

    /**
     * Writes {@code timestamps.length} samples of a numeric stream: sample i's values are
     * {@code values[i * channels ... (i + 1) * channels)}, stored as the stream's format.
     */
    public synchronized void writeNumeric(int id, double[] timestamps, double[] values) throws IOException {
        Footer f = footer(id);
        int channels = f.stream.channelCount();
        if (f.stream.format() == XdfStream.Format.STRING) {
            throw new IllegalArgumentException("stream " + id + " holds strings");
        }
        if (values.length != timestamps.length * channels) {
            throw new IllegalArgumentException(timestamps.length + " samples of " + channels + " channels need "
                    + timestamps.length * channels + " values, got " + values.length);
        }
        int valueBytes = f.stream.format() == XdfStream.Format.FLOAT32 ? 4 : 8;
        ByteBuffer b = ByteBuffer.allocate(4 + 9 + timestamps.length * (9 + channels * valueBytes)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(id);
        putVarLength(b, timestamps.length);
        for (int i = 0; i < timestamps.length; i++) {
            b.put((byte) 8).putDouble(timestamps[i]);
            for (int c = 0; c < channels; c++) {
                if (valueBytes == 4) {
                    b.putFloat((float) values[i * channels + c]);
                } else {
                    b.putDouble(values[i * channels + c]);
                }
            }
        }
        rawChunk(Tag.SAMPLES, b);
        samplesWritten(f, timestamps);
    }

    /** Writes string samples (markers) of a one-channel string stream, such as predictions as JSON. */
    public synchronized void writeStrings(int id, double[] timestamps, String[] values) throws IOException {
        Footer f = footer(id);
        if (timestamps.length != values.length) {
            throw new IllegalArgumentException(timestamps.length + " timestamps for " + values.length + " values");
        }
        if (f.stream.format() != XdfStream.Format.STRING || f.stream.channelCount() != 1) {
            throw new IllegalArgumentException("stream " + id + " is not a one-channel string stream");
        }
        byte[][] encoded = new byte[values.length][];
        int size = 4 + 9;
        for (int i = 0; i < values.length; i++) {
            encoded[i] = values[i].getBytes(StandardCharsets.UTF_8);
            size += 9 + 9 + encoded[i].length;
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(id);
        putVarLength(b, timestamps.length);
        for (int i = 0; i < timestamps.length; i++) {
            b.put((byte) 8).putDouble(timestamps[i]);
            putVarLength(b, encoded[i].length);
            b.put(encoded[i]);
        }
        rawChunk(Tag.SAMPLES, b);
        samplesWritten(f, timestamps);
    }

    /** A ClockOffset chunk: at {@code collectionTime}, the stream's clock was {@code offset} s off the recorder's. */
    public synchronized void clockOffset(int id, double collectionTime, double offset) throws IOException {
        footer(id).offsets.add(new double[] {collectionTime, offset});
        ByteBuffer b = ByteBuffer.allocate(4 + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(id).putDouble(collectionTime).putDouble(offset);
        rawChunk(Tag.CLOCK_OFFSET, b);
    }

    private void samplesWritten(Footer f, double[] timestamps) throws IOException {
        if (timestamps.length > 0) {
            if (Double.isNaN(f.first)) {
                f.first = timestamps[0];
            }
            f.last = timestamps[timestamps.length - 1];
            f.count += timestamps.length;
        }
        if (System.nanoTime() - lastBoundaryNanos >= boundaryEveryNanos || out.size() > (8 << 20)) {
            boundary();
        }
    }

    /** A Boundary chunk, and everything so far on disk. */
    public synchronized void boundary() throws IOException {
        rawChunk(Tag.BOUNDARY, ByteBuffer.allocate(BOUNDARY.length).put(BOUNDARY));
        flush();
        lastBoundaryNanos = System.nanoTime();
    }

    /** Writes every stream's footer (first and last timestamp, sample count, clock offsets) and closes the file. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            for (int i = 0; i < footers.size(); i++) {
                Footer f = footers.get(i);
                StringBuilder x = new StringBuilder("<?xml version=\"1.0\"?><info>");
                x.append("<first_timestamp>").append(number(f.first)).append("</first_timestamp>");
                x.append("<last_timestamp>").append(number(f.last)).append("</last_timestamp>");
                x.append("<sample_count>").append(f.count).append("</sample_count>");
                x.append("<clock_offsets>");
                for (double[] o : f.offsets) {
                    x.append("<offset><time>").append(number(o[0])).append("</time><value>").append(number(o[1]))
                            .append("</value></offset>");
                }
                x.append("</clock_offsets></info>");
                chunk(Tag.STREAM_FOOTER, i + 1, xml(x.toString()));
            }
            boundary();
        } finally {
            file.close();
        }
    }

    private Footer footer(int id) {
        if (closed) {
            throw new IllegalStateException("the XDF file is closed");
        }
        if (id < 1 || id > footers.size()) {
            throw new IllegalArgumentException("no stream " + id);
        }
        return footers.get(id - 1);
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "0" : Double.toString(v);
    }

    private static byte[] xml(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A chunk with an optional stream id before its content. */
    private void chunk(Tag tag, Integer streamId, byte[] content) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((streamId == null ? 0 : 4) + content.length).order(ByteOrder.LITTLE_ENDIAN);
        if (streamId != null) {
            b.putInt(streamId);
        }
        b.put(content);
        rawChunk(tag, b);
    }

    /** [length of what follows: tag and content][tag, 2 bytes][content]: the buffer from 0 to its position. */
    private void rawChunk(Tag tag, ByteBuffer content) throws IOException {
        int contentLength = content.position();
        ByteBuffer head = ByteBuffer.allocate(9 + 2).order(ByteOrder.LITTLE_ENDIAN);
        putVarLength(head, 2L + contentLength);
        head.putShort((short) tag.code);
        out.write(head.array(), 0, head.position());
        out.write(content.array(), 0, contentLength);
    }

    /** XDF's variable-length integer: a byte saying 1, 4 or 8, then the number in that many bytes. */
    static void putVarLength(ByteBuffer b, long n) {
        if (n < 256) {
            b.put((byte) 1).put((byte) n);
        } else if (n <= 0xFFFF_FFFFL) {
            b.put((byte) 4).putInt((int) n);
        } else {
            b.put((byte) 8).putLong(n);
        }
    }
}
