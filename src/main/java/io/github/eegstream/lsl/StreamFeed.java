package io.github.eegstream.lsl;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A connection to an outlet's data: the stream feed request, the response header, the two test
 * patterns (validated: they catch byte order and format mistakes), then samples with their
 * timestamps reconstructed, in the outlet's clock. Protocol 1.10, or 1.00 when the outlet speaks
 * only that or downgrades to it.
 */
public final class StreamFeed implements AutoCloseable {

    /** The timestamp of both test patterns. */
    static final double TEST_PATTERN_TIME = 123456.789;
    /** Seconds of samples the outlet may queue for us, as liblsl asks (its max_buflen default). */
    private static final int BUFFER_SECONDS = 360;

    private final StreamInfo info;
    private final SampleDecoder decoder;
    private final int protocol;
    private final ByteOrder order;
    private final boolean suppressSubnormals;
    private final Closeable resource;
    private final InputStream input;
    private double last;
    private boolean timed;

    private StreamFeed(StreamInfo info, SampleDecoder decoder, int protocol, ByteOrder order, boolean suppressSubnormals,
            Closeable resource, InputStream input) {
        this.input = input;
        this.info = info;
        this.decoder = decoder;
        this.protocol = protocol;
        this.order = order;
        this.suppressSubnormals = suppressSubnormals;
        this.resource = resource;
    }

    /**
     * Connects to the outlet described by {@code info} (its address and data port) and completes
     * the handshake.
     *
     * @throws IOException if it cannot connect, the outlet refuses, or the test patterns are wrong
     */
    public static StreamFeed connect(StreamInfo info, Duration timeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(info.address(), info.dataPort()), (int) timeout.toMillis());
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) timeout.toMillis());
            StreamFeed feed = handshake(new BufferedInputStream(socket.getInputStream()), socket.getOutputStream(), info,
                    info.version() >= 110 ? 110 : 100, socket);
            socket.setSoTimeout(0);
            return feed;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** The handshake over any byte streams (a socket's, or recorded bytes in tests). */
    static StreamFeed handshake(InputStream in, OutputStream out, StreamInfo info, int protocol, Closeable resource)
            throws IOException {
        if (!in.markSupported()) {
            in = new BufferedInputStream(in);
        }
        if (protocol >= 110) {
            out.write(request110(info).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return response110(in, info, resource);
        }
        out.write(("LSL:streamfeed\r\n" + maxBuffer(info) + " 0\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return archive(in, info, ByteOrder.LITTLE_ENDIAN, false, resource);
    }

    static String request110(StreamInfo info) {
        boolean floats = info.format() == ChannelFormat.FLOAT32 || info.format() == ChannelFormat.DOUBLE64;
        int valueSize = info.format() == ChannelFormat.STRING ? 32 : info.format().valueSize(); // liblsl: sizeof(std::string)
        return "LSL:streamfeed/110 " + info.uid() + "\r\n"
                + "Native-Byte-Order: 1234\r\n"
                + "Endian-Performance: 0\r\n"
                + "Has-IEEE754-Floats: 1\r\n"
                + "Supports-Subnormals: " + (floats ? 1 : 0) + "\r\n"
                + "Value-Size: " + valueSize + "\r\n"
                + "Data-Protocol-Version: 110\r\n"
                + "Max-Buffer-Length: " + maxBuffer(info) + "\r\n"
                + "Max-Chunk-Length: 0\r\n"
                + "Hostname: " + hostname() + "\r\n"
                + "Source-Id: " + info.sourceId() + "\r\n"
                + "Session-Id: " + (info.sessionId().isEmpty() ? "default" : info.sessionId()) + "\r\n"
                + "\r\n";
    }

    /** Samples the outlet should queue for us: 360 s worth (100 per second for irregular streams). */
    private static long maxBuffer(StreamInfo info) {
        return (long) (BUFFER_SECONDS * (info.nominalRate() > 0 ? info.nominalRate() : 100));
    }

    private static StreamFeed response110(InputStream in, StreamInfo info, Closeable resource) throws IOException {
        String status = line(in);
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("LSL/")) {
            throw new IOException("not an LSL stream feed response: '" + status + "'");
        }
        int code = Integer.parseInt(parts[1]);
        if (code != 200) {
            throw new LslRefusedException(code, "the outlet answered '" + status + "'"
                    + (code == 404 ? " (it is another stream now: resolve again)" : ""));
        }
        Map<String, String> headers = new HashMap<>();
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            if (colon > 0) {
                String value = header.substring(colon + 1);
                int comment = value.indexOf(';');
                headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        (comment >= 0 ? value.substring(0, comment) : value).trim());
            }
        }
        String uid = headers.get("uid");
        if (uid != null && !uid.equals(info.uid())) {
            throw new IOException("the outlet is stream " + uid + ", not " + info.uid());
        }
        ByteOrder order = switch (headers.getOrDefault("byte-order", "1234")) {
            case "1234" -> ByteOrder.LITTLE_ENDIAN;
            case "4321" -> ByteOrder.BIG_ENDIAN;
            case "0" -> ByteOrder.nativeOrder(); // liblsl <= 1.13
            default -> throw new IOException("unknown Byte-Order '" + headers.get("byte-order") + "'");
        };
        boolean suppress = "1".equals(headers.get("suppress-subnormals"));
        int version = Integer.parseInt(headers.getOrDefault("data-protocol-version", "110"));
        if (version < 110) {
            return archive(in, info, order, suppress, resource);
        }
        StreamFeed feed = new StreamFeed(info, new BinarySampleDecoder(in, order, info.format(), info.channelCount()),
                110, order, suppress, resource, in);
        feed.checkTestPatterns();
        return feed;
    }

    private static StreamFeed archive(InputStream in, StreamInfo info, ByteOrder order, boolean suppress, Closeable resource)
            throws IOException {
        ArchiveSampleDecoder decoder = new ArchiveSampleDecoder(in, info.format(), info.channelCount());
        StreamInfo announced = StreamInfo.parse(decoder.shortInfo(), info.address());
        if (!announced.uid().equals(info.uid())) {
            throw new IOException("the outlet is stream " + announced.uid() + ", not " + info.uid());
        }
        StreamFeed feed = new StreamFeed(info, decoder, 100, ByteOrder.LITTLE_ENDIAN, suppress, resource, in);
        feed.checkTestPatterns();
        return feed;
    }

    private void checkTestPatterns() throws IOException {
        for (int offset : new int[] {4, 2}) {
            LslSample s = decoder.next();
            if (s == null) {
                throw new EOFException("the stream ended before its test patterns");
            }
            boolean ok = s.timestamp() == TEST_PATTERN_TIME;
            for (int k = 0; ok && k < info.channelCount(); k++) {
                ok = info.format() == ChannelFormat.STRING
                        ? ChannelFormat.testString(k).equals(s.strings()[k])
                        : info.format().testValue(k, offset) == s.values()[k];
            }
            if (!ok) {
                throw new IOException("test pattern " + offset + " does not match: the byte order or the format ("
                        + info.format().xmlName() + ", " + info.channelCount() + " channels) is not what the stream says");
            }
        }
    }

    /**
     * The next data sample, its timestamp in the outlet's clock (deduced ones reconstructed from
     * the previous sample and the nominal rate). Samples that arrive before any timestamp (a feed
     * joined in the middle of a chunk) have none to be deduced from and are skipped.
     *
     * @return null at the end of the stream
     */
    public LslSample next() throws IOException {
        while (true) {
            LslSample s = decoder.next();
            if (s == null) {
                return null;
            }
            double ts;
            if (s.deduced()) {
                if (!timed) {
                    continue;
                }
                ts = info.nominalRate() > 0 ? last + 1 / info.nominalRate() : last;
            } else {
                ts = s.timestamp();
                timed = true;
            }
            last = ts;
            double[] values = s.values();
            if (suppressSubnormals && values != null) {
                for (int c = 0; c < values.length; c++) {
                    if (values[c] != 0 && Math.abs(values[c]) < (info.format() == ChannelFormat.FLOAT32 ? Float.MIN_NORMAL
                            : Double.MIN_NORMAL)) {
                        values[c] = Math.copySign(0.0, values[c]);
                    }
                }
            }
            return new LslSample(ts, s.deduced(), values, s.strings());
        }
    }

    public StreamInfo info() {
        return info;
    }

    /** True if bytes of the next sample have already arrived, so {@link #next()} will not wait long. */
    public boolean hasBuffered() throws IOException {
        return input.available() > 0;
    }

    /** 110 or 100. */
    public int protocol() {
        return protocol;
    }

    public ByteOrder byteOrder() {
        return order;
    }

    @Override
    public void close() throws IOException {
        if (resource != null) {
            resource.close();
        }
    }

    /** A CRLF-terminated ASCII line, without its terminator. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                b.write(c);
            }
            if (b.size() > 8192) {
                throw new IOException("header line too long");
            }
        }
        if (c < 0 && b.size() == 0) {
            throw new EOFException("the outlet closed the connection");
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    private static String hostname() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
