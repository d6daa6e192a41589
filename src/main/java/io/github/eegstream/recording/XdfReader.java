package io.github.eegstream.recording;

import io.github.eegstream.wire.RawSamples;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one numeric stream of an XDF file, chunk by chunk, as samples to replay: the stream
 * named {@code preferred} if there is one, else the first of type EEG, else the first numeric
 * stream. Samples without a timestamp of their own follow the previous one by 1 / nominal rate.
 * A file cut short (a recorder that crashed) ends at its last whole chunk. Any XDF 1.0 numeric
 * format is read (int8 to int64, float32, double64); other streams are skipped.
 */
public final class XdfReader implements Iterator<RawSamples>, AutoCloseable {

    /** A chunk larger than this is refused: no valid recording's chunk is near it. */
    private static final long MAX_CHUNK = 256L << 20;

    private record Header(int id, String name, String type, int channels, double rate, String format, List<String> labels) {
        /** Bytes per value, or 0 for strings. */
        int width() {
            return switch (format) {
                case "int8" -> 1;
                case "int16" -> 2;
                case "int32", "float32" -> 4;
                case "int64", "double64" -> 8;
                default -> 0;
            };
        }
    }

    /** A stream header larger than this is refused (a real one is a few kB). */
    private static final int MAX_HEADER = 1 << 20;

    private final Path path;
    private final InputStream in;
    private final Header stream;
    private RawSamples next;
    private double lastTimestamp = Double.NaN;

    public XdfReader(Path path, String preferred) throws IOException {
        this.path = path;
        // Streams may be declared anywhere (a recorder adds a user's stream when the user first
        // sends): a first pass reads the headers only, skipping every other chunk's content.
        Map<Integer, Header> headers = new LinkedHashMap<>();
        try (InputStream scan = open(path)) {
            for (Chunk c; (c = readChunk(scan, true)) != null; ) {
                if (c.tag == 2) {
                    Header h = header(c.content);
                    if (h != null) {
                        headers.put(h.id, h);
                    }
                }
            }
        }
        Header chosen = choose(headers, preferred);
        if (chosen == null) {
            throw new IOException(path + " holds no numeric stream to replay (streams: " + headers.values().stream()
                    .map(h -> h.name + " (" + h.type + ", " + h.format + ")").toList() + ")");
        }
        this.stream = chosen;
        this.in = open(path);
    }

    private InputStream open(Path file) throws IOException {
        InputStream s = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        byte[] magic = s.readNBytes(4);
        if (!"XDF:".equals(new String(magic, StandardCharsets.US_ASCII))) {
            s.close();
            throw new IOException(file + " is not an XDF file (it does not start with XDF:)");
        }
        return s;
    }

    private static Header choose(Map<Integer, Header> headers, String preferred) {
        List<Header> numeric = headers.values().stream().filter(h -> !h.format.equals("string")).toList();
        for (Header h : numeric) {
            if (h.name.equals(preferred)) {
                return h;
            }
        }
        return numeric.stream().filter(h -> h.type.equalsIgnoreCase("EEG")).findFirst()
                .orElse(numeric.isEmpty() ? null : numeric.get(0));
    }

    /** The replayed stream's channel labels (ch1, ch2, ... where the header has none). */
    public String[] channels() {
        return stream.labels.toArray(String[]::new);
    }

    /** The replayed stream's nominal rate (0: irregular). */
    public double rate() {
        return stream.rate;
    }

    /** The replayed stream's name. */
    public String streamName() {
        return stream.name;
    }

    @Override
    public boolean hasNext() {
        while (next == null) {
            Chunk c;
            try {
                c = readChunk(in, false);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot read " + path, e);
            }
            if (c == null) {
                return false;
            }
            if (c.tag == 3 && c.content.limit() >= 4 && c.content.getInt(0) == stream.id) {
                try {
                    next = samples(stream, c.content); // null for a chunk of no samples (valid XDF)
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException(path + ": a malformed samples chunk of stream " + stream.name, e);
                }
            }
        }
        return true;
    }

    @Override
    public RawSamples next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        RawSamples out = next;
        next = null;
        return out;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private record Chunk(int tag, ByteBuffer content) {}

    /**
     * The next whole chunk, or null at the end (a chunk cut short by a crash counts as the end);
     * with {@code headersOnly}, only stream headers' content is read, others' skipped.
     */
    private Chunk readChunk(InputStream in, boolean headersOnly) throws IOException {
        int width = in.read();
        if (width < 0) {
            return null;
        }
        long length;
        try {
            length = readNumber(in, width);
        } catch (EOFException e) {
            return null;
        }
        if (length < 2 || length > MAX_CHUNK) {
            throw new IOException(path + ": a chunk of " + length + " bytes: not an XDF chunk");
        }
        if (headersOnly) {
            byte[] tagBytes = in.readNBytes(2);
            if (tagBytes.length < 2) {
                return null;
            }
            int tag = (tagBytes[0] & 0xFF) | (tagBytes[1] & 0xFF) << 8;
            if (tag != 2) {
                try {
                    in.skipNBytes(length - 2);
                } catch (EOFException e) {
                    return null;
                }
                return new Chunk(tag, ByteBuffer.allocate(0));
            }
            byte[] content = in.readNBytes((int) length - 2);
            return content.length < length - 2 ? null
                    : new Chunk(tag, ByteBuffer.wrap(content).order(ByteOrder.LITTLE_ENDIAN));
        }
        byte[] body = in.readNBytes((int) length);
        if (body.length < length) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
        int tag = b.getShort() & 0xFFFF;
        return new Chunk(tag, b.slice().order(ByteOrder.LITTLE_ENDIAN));
    }

    private long readNumber(InputStream in, int width) throws IOException {
        if (width != 1 && width != 4 && width != 8) {
            throw new IOException(path + ": a length of " + width + " bytes: not an XDF chunk");
        }
        byte[] bytes = in.readNBytes(width);
        if (bytes.length < width) {
            throw new EOFException();
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        return width == 1 ? b.get() & 0xFF : width == 4 ? b.getInt() & 0xFFFF_FFFFL : b.getLong();
    }

    private static long varLength(ByteBuffer b) {
        int width = b.get();
        return switch (width) {
            case 1 -> b.get() & 0xFF;
            case 4 -> b.getInt() & 0xFFFF_FFFFL;
            case 8 -> b.getLong();
            default -> throw new IllegalArgumentException("a length of " + width + " bytes");
        };
    }

    private static final Pattern CHANNEL = Pattern.compile("<channel>(.*?)</channel>", Pattern.DOTALL);

    private static Header header(ByteBuffer content) {
        if (content.limit() < 4 || content.limit() > MAX_HEADER) {
            return null;
        }
        int id = content.getInt(0);
        byte[] xml = new byte[content.limit() - 4];
        content.get(4, xml);
        String x = new String(xml, StandardCharsets.UTF_8);
        String format = text(x, "channel_format");
        int channels;
        try {
            channels = Integer.parseInt(text(x, "channel_count").trim());
        } catch (NumberFormatException e) {
            return null;
        }
        if (channels < 1 || channels > RawSamples.MAX_CHANNELS) {
            return null;
        }
        double rate;
        try {
            rate = Double.parseDouble(text(x, "nominal_srate").trim());
        } catch (NumberFormatException e) {
            rate = 0;
        }
        List<String> labels = new ArrayList<>();
        Matcher m = CHANNEL.matcher(x);
        while (m.find()) {
            labels.add(unescape(text(m.group(1), "label")));
        }
        if (labels.size() != channels || labels.stream().anyMatch(String::isBlank)) {
            labels.clear();
            for (int i = 1; i <= channels; i++) {
                labels.add("ch" + i);
            }
        }
        Header h = new Header(id, unescape(text(x, "name")), unescape(text(x, "type")), channels, rate, format.trim(), labels);
        return h.width() == 0 && !h.format.equals("string") ? null : h; // a format we cannot read is skipped
    }

    private static String text(String xml, String element) {
        int start = xml.indexOf("<" + element + ">");
        int end = start < 0 ? -1 : xml.indexOf("</" + element + ">", start);
        return start < 0 || end < 0 ? "" : xml.substring(start + element.length() + 2, end);
    }

    private static String unescape(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&");
    }

    private RawSamples samples(Header h, ByteBuffer b) {
        b.position(4);
        long n = varLength(b);
        // Each sample takes at least its timestamp byte and its values: a count the chunk cannot
        // hold is refused before anything is allocated for it.
        long per = 1 + (long) h.channels * h.width();
        if (n < 0 || n > b.remaining() / per) {
            throw new IllegalArgumentException(n + " samples do not fit in a chunk of " + b.limit() + " bytes");
        }
        int count = (int) n;
        if (count == 0) {
            return null;
        }
        double[] timestamps = new double[count];
        double[] values = new double[count * h.channels];
        for (int i = 0; i < count; i++) {
            int tsBytes = b.get();
            if (tsBytes != 0 && tsBytes != 8) {
                throw new IllegalArgumentException("a timestamp of " + tsBytes + " bytes");
            }
            double t = tsBytes == 8 ? b.getDouble()
                    : Double.isNaN(lastTimestamp) ? 0 : lastTimestamp + (h.rate > 0 ? 1 / h.rate : 0);
            timestamps[i] = t;
            lastTimestamp = t;
            for (int c = 0; c < h.channels; c++) {
                values[i * h.channels + c] = switch (h.format) {
                    case "float32" -> b.getFloat();
                    case "double64" -> b.getDouble();
                    case "int8" -> b.get();
                    case "int16" -> b.getShort();
                    case "int32" -> b.getInt();
                    case "int64" -> (double) b.getLong();
                    default -> throw new IllegalArgumentException("channel format " + h.format);
                };
            }
        }
        return new RawSamples(h.labels.toArray(String[]::new), timestamps, values, h.rate);
    }
}
