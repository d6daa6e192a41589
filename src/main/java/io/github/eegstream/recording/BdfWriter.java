package io.github.eegstream.recording;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.Locale;

/**
 * Writes one stream of EEG as a continuous BDF+ file (BioSemi's 24-bit EDF, with EDF+
 * annotations): one signal per channel in µV at a resolution of 0.001 µV (range ±8000 µV;
 * beyond it, values are clipped), one-second data records, and an annotations signal for
 * events (predictions, features, alerts) with their onset in seconds from the start.
 *
 * <p>Each record is written, with the header's record count, as soon as it is complete, so a
 * file cut short by a crash is still valid and loses at most the last second.
 */
public final class BdfWriter implements AutoCloseable {

    /** Physical and digital ranges: one digital step is exactly 0.001 µV. */
    static final int DIGITAL_MAX = 8_000_000;
    static final int PHYSICAL_MAX_UV = 8_000;
    static final double MICROVOLTS_PER_STEP = (double) PHYSICAL_MAX_UV / DIGITAL_MAX;
    static final String ANNOTATIONS_LABEL = "BDF Annotations";
    /** Bytes of annotation text per record (3 bytes per "sample"). */
    private static final int ANNOTATION_SAMPLES = 1024;

    private final FileChannel file;
    private final String[] channels;
    private final int rate;
    private final double start;
    private final int[][] record;
    private final ArrayDeque<String> pendingAnnotations = new ArrayDeque<>();
    private int filled;
    private long records;

    /**
     * @param start the first sample's timestamp, seconds since the epoch
     * @param rate samples per second per channel (a whole number: BDF records are one second)
     */
    public BdfWriter(Path path, String subject, String[] channels, int rate, double start) throws IOException {
        if (rate < 1) {
            throw new IllegalArgumentException("BDF needs a whole number of samples per second, was " + rate);
        }
        this.channels = channels.clone();
        this.rate = rate;
        this.start = start;
        this.record = new int[channels.length][rate];
        this.file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        file.write(ByteBuffer.wrap(header(subject)));
    }

    /** Adds one sample (one value per channel, µV). */
    public void add(double[] values) throws IOException {
        for (int c = 0; c < channels.length; c++) {
            double v = values[c];
            long d = Double.isFinite(v) ? Math.round(v / MICROVOLTS_PER_STEP) : 0;
            record[c][filled] = (int) Math.max(-DIGITAL_MAX, Math.min(DIGITAL_MAX, d));
        }
        if (++filled == rate) {
            writeRecord();
        }
    }

    /** Adds an event at {@code timestamp} (seconds since the epoch), written with the next record. */
    public void annotate(double timestamp, String text) {
        String clean = text.replace('\u0014', ' ').replace('\u0015', ' ').replace('\0', ' ');
        pendingAnnotations.add(String.format(Locale.ROOT, "%+.4f", timestamp - Math.floor(start)) + "\u0014" + clean + "\u0014\0");
    }

    /** Samples written so far, per channel (complete records only). */
    public long samplesWritten() {
        return records * rate;
    }

    private void writeRecord() throws IOException {
        ByteBuffer out = ByteBuffer.allocate(3 * (channels.length * rate + ANNOTATION_SAMPLES));
        for (int[] signal : record) {
            for (int d : signal) {
                out.put((byte) d).put((byte) (d >> 8)).put((byte) (d >> 16));
            }
        }
        // The record's timekeeping annotation, then as many events as fit; the rest wait for the next.
        double onset = records + (start - Math.floor(start));
        StringBuilder tal = new StringBuilder(String.format(Locale.ROOT, "%+.4f", onset)).append("\u0014\u0014\0");
        while (!pendingAnnotations.isEmpty()
                && tal.length() + pendingAnnotations.peek().getBytes(StandardCharsets.UTF_8).length < 3 * ANNOTATION_SAMPLES) {
            tal.append(pendingAnnotations.poll());
        }
        byte[] text = tal.toString().getBytes(StandardCharsets.UTF_8);
        out.put(text, 0, Math.min(text.length, 3 * ANNOTATION_SAMPLES));
        out.position(out.capacity()).flip();
        file.write(out, file.size());
        records++;
        file.write(ByteBuffer.wrap(field(Long.toString(records), 8).getBytes(StandardCharsets.US_ASCII)), 236); // valid if we crash next
        file.force(false);
        filled = 0;
    }

    /** Completes the last record (repeating the last sample) so that nothing recorded is lost. */
    @Override
    public void close() throws IOException {
        try {
            if (filled > 0) {
                annotate(start + records + (double) filled / rate, "recording ends");
                while (filled > 0) {
                    double[] last = new double[channels.length];
                    for (int c = 0; c < channels.length; c++) {
                        last[c] = record[c][filled - 1] * MICROVOLTS_PER_STEP;
                    }
                    add(last);
                }
            }
        } finally {
            file.close();
        }
    }

    private byte[] header(String subject) {
        int signals = channels.length + 1;
        StringBuilder h = new StringBuilder();
        ZonedDateTime t = Instant.ofEpochSecond((long) Math.floor(start)).atZone(ZoneOffset.UTC);
        h.append(field("BIOSEMI", 7)); // after the 0xFF written below
        h.append(field("X X X " + subject.replace(' ', '_'), 80));
        h.append(field(String.format(Locale.ROOT, "Startdate %02d-%s-%04d X X eegstream", t.getDayOfMonth(),
                t.getMonth().name().substring(0, 3), t.getYear()), 80));
        h.append(field(String.format(Locale.ROOT, "%02d.%02d.%02d", t.getDayOfMonth(), t.getMonthValue(), t.getYear() % 100), 8));
        h.append(field(String.format(Locale.ROOT, "%02d.%02d.%02d", t.getHour(), t.getMinute(), t.getSecond()), 8));
        h.append(field(Integer.toString(256 * (signals + 1)), 8));
        h.append(field("BDF+C", 44));
        h.append(field("0", 8));
        h.append(field("1", 8));
        h.append(field(Integer.toString(signals), 4));
        for (String c : channels) {
            h.append(field(c, 16));
        }
        h.append(field(ANNOTATIONS_LABEL, 16));
        repeat(h, "AgAgCl electrode", "", 80, signals);
        repeat(h, "uV", "", 8, signals);
        repeat(h, Integer.toString(-PHYSICAL_MAX_UV), "-1", 8, signals);
        repeat(h, Integer.toString(PHYSICAL_MAX_UV), "1", 8, signals);
        repeat(h, Integer.toString(-DIGITAL_MAX), "-8388608", 8, signals);
        repeat(h, Integer.toString(DIGITAL_MAX), "8388607", 8, signals);
        repeat(h, "", "", 80, signals);
        repeat(h, Integer.toString(rate), Integer.toString(ANNOTATION_SAMPLES), 8, signals);
        repeat(h, "", "", 32, signals);
        byte[] ascii = h.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[ascii.length + 1];
        out[0] = (byte) 0xFF;
        System.arraycopy(ascii, 0, out, 1, ascii.length);
        return out;
    }

    /** The value for every EEG signal, then {@code annotations} for the annotations signal. */
    private static void repeat(StringBuilder h, String value, String annotations, int width, int signals) {
        for (int i = 0; i < signals - 1; i++) {
            h.append(field(value, width));
        }
        h.append(field(annotations, width));
    }

    /** An ASCII header field: left-aligned, space-padded, cut to its width. */
    static String field(String value, int width) {
        String ascii = value.replaceAll("[^\\x20-\\x7e]", "_");
        return ascii.length() >= width ? ascii.substring(0, width) : ascii + " ".repeat(width - ascii.length());
    }
}
