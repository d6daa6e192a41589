package io.github.eegstream.recording;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.github.eegstream.wire.RawSamples;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;

/**
 * A recording in CSV: a header of channel names, then one row per sample; an optional column
 * named {@code timestamp} or {@code time} (seconds) stamps the samples, otherwise sample {@code i}
 * is at {@code i / rate}. Read as chunks of samples, so a long recording is never all in memory.
 */
public final class CsvRecording implements Iterator<RawSamples>, AutoCloseable {

    private static final int CHUNK = 256;

    private final Path file;
    private final double rate;
    private final MappingIterator<List<String>> rows;
    private final String[] channels;
    private final int[] channelColumns;
    private final int timeColumn;
    private long line = 1;
    private long index;

    /**
     * @param rate the sampling rate in Hz; with a timestamp column it is the nominal rate
     * @throws IllegalArgumentException if the file has no header or no channel columns
     */
    public CsvRecording(Path file, double rate) throws IOException {
        if (!(rate > 0)) {
            throw new IllegalArgumentException("the sampling rate must be a positive number of Hz");
        }
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no recording at " + file.toAbsolutePath());
        }
        this.file = file;
        this.rate = rate;
        this.rows = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY).enable(CsvParser.Feature.TRIM_SPACES)
                .readerForListOf(String.class).readValues(file.toFile());
        if (!rows.hasNext()) {
            throw new IllegalArgumentException(file + " is empty: expected a header of channel names");
        }
        List<String> header = rows.next();
        int time = -1;
        List<String> names = new ArrayList<>();
        List<Integer> columns = new ArrayList<>();
        for (int c = 0; c < header.size(); c++) {
            String h = header.get(c).trim();
            String lower = h.toLowerCase(Locale.ROOT);
            if (time < 0 && (lower.equals("timestamp") || lower.equals("time"))) {
                time = c;
            } else {
                names.add(h);
                columns.add(c);
            }
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException(file + " has no channel columns in its header");
        }
        this.timeColumn = time;
        this.channels = names.toArray(String[]::new);
        this.channelColumns = columns.stream().mapToInt(Integer::intValue).toArray();
    }

    public String[] channels() {
        return channels.clone();
    }

    @Override
    public boolean hasNext() {
        return rows.hasNext();
    }

    /**
     * The next chunk of up to 256 samples.
     *
     * @throws IllegalArgumentException naming the line of a malformed row
     */
    @Override
    public RawSamples next() {
        if (!rows.hasNext()) {
            throw new NoSuchElementException();
        }
        double[] timestamps = new double[CHUNK];
        double[] values = new double[CHUNK * channels.length];
        int n = 0;
        while (n < CHUNK && rows.hasNext()) {
            List<String> row = rows.next();
            line++;
            if (row.size() == 1 && row.get(0).isBlank()) {
                continue;
            }
            if (row.size() < channelColumns.length + (timeColumn >= 0 ? 1 : 0)) {
                throw new IllegalArgumentException(file + " line " + line + ": expected " + (channels.length
                        + (timeColumn >= 0 ? 1 : 0)) + " values, found " + row.size());
            }
            timestamps[n] = timeColumn >= 0 ? number(row.get(timeColumn)) : index / rate;
            for (int c = 0; c < channels.length; c++) {
                values[n * channels.length + c] = number(row.get(channelColumns[c]));
            }
            n++;
            index++;
        }
        return new RawSamples(channels, java.util.Arrays.copyOf(timestamps, n),
                java.util.Arrays.copyOf(values, n * channels.length), rate);
    }

    private double number(String text) {
        try {
            double v = Double.parseDouble(text);
            if (!Double.isFinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + " line " + line + ": '" + text + "' is not a finite number");
        }
    }

    @Override
    public void close() {
        try {
            rows.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
