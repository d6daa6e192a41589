package io.github.eegstream.recording;

import io.github.eegstream.wire.RawSamples;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Reads a BDF or BDF+ file's EEG, one data record at a time, as {@link RawSamples} stamped with
 * the file's start time (to the fraction of a second a BDF+ file keeps) plus each sample's offset.
 * Signals of another rate than the first (and the annotations) are left out.
 */
public final class BdfRecording implements Iterator<RawSamples>, AutoCloseable {

    private final FileChannel file;
    private final String[] labels;
    private final int[] samplesPerRecord;
    private final double[] gain;
    private final double[] offset;
    private final int[] eeg;
    private final String[] channels;
    private final double recordSeconds;
    private final long headerBytes;
    private final long recordBytes;
    /** Where each signal's samples start within a data record. */
    private final int[] signalStart;
    private final long recordCount;
    private final double startSeconds;
    private final int annotationSignal;
    private double firstOnset = Double.NaN;
    private long next;

    public BdfRecording(Path path) throws IOException {
        file = FileChannel.open(path);
        ByteBuffer fixed = read(0, 256);
        byte[] h = fixed.array();
        if ((h[0] & 0xff) != 0xff && h[0] != '0') {
            throw new IOException(path + " is not an EDF or BDF file");
        }
        String date = text(h, 168, 8);
        String time = text(h, 176, 8);
        headerBytes = Long.parseLong(text(h, 184, 8));
        recordCount = Long.parseLong(text(h, 236, 8));
        recordSeconds = Double.parseDouble(text(h, 244, 8));
        int ns = Integer.parseInt(text(h, 252, 4));
        byte[] s = read(256, ns * 256).array();
        labels = new String[ns];
        samplesPerRecord = new int[ns];
        gain = new double[ns];
        offset = new double[ns];
        int base = 0;
        for (int i = 0; i < ns; i++) {
            labels[i] = text(s, i * 16, 16);
        }
        base += ns * (16 + 80 + 8);
        long bytes = 0;
        int annotations = -1;
        signalStart = new int[ns];
        for (int i = 0; i < ns; i++) {
            double pmin = Double.parseDouble(text(s, base + i * 8, 8));
            double pmax = Double.parseDouble(text(s, base + ns * 8 + i * 8, 8));
            double dmin = Double.parseDouble(text(s, base + ns * 16 + i * 8, 8));
            double dmax = Double.parseDouble(text(s, base + ns * 24 + i * 8, 8));
            gain[i] = (pmax - pmin) / (dmax - dmin);
            offset[i] = pmin - dmin * gain[i];
            samplesPerRecord[i] = Integer.parseInt(text(s, base + ns * 32 + ns * 80 + i * 8, 8));
            signalStart[i] = (int) bytes;
            bytes += 3L * samplesPerRecord[i];
            if (labels[i].equals(BdfWriter.ANNOTATIONS_LABEL) || labels[i].equals("EDF Annotations")) {
                annotations = i;
            }
        }
        annotationSignal = annotations;
        recordBytes = bytes;
        List<Integer> chosen = new ArrayList<>();
        for (int i = 0; i < ns; i++) {
            if (i != annotations && (chosen.isEmpty() || samplesPerRecord[i] == samplesPerRecord[chosen.get(0)])) {
                chosen.add(i);
            }
        }
        eeg = chosen.stream().mapToInt(Integer::intValue).toArray();
        channels = chosen.stream().map(i -> labels[i]).toArray(String[]::new);
        String[] d = date.split("\\.");
        String[] t = time.split("\\.");
        int year = Integer.parseInt(d[2]);
        startSeconds = LocalDateTime.of(year < 85 ? 2000 + year : 1900 + year, Integer.parseInt(d[1]), Integer.parseInt(d[0]),
                Integer.parseInt(t[0]), Integer.parseInt(t[1]), Integer.parseInt(t[2])).toEpochSecond(ZoneOffset.UTC);
    }

    public String[] channels() {
        return channels.clone();
    }

    /** Samples per second of the EEG signals. */
    public double rate() {
        return samplesPerRecord[eeg[0]] / recordSeconds;
    }

    @Override
    public boolean hasNext() {
        return recordCount < 0 ? headerBytes + (next + 1) * recordBytes <= size() : next < recordCount;
    }

    @Override
    public RawSamples next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        try {
            ByteBuffer r = read(headerBytes + next * recordBytes, (int) recordBytes);
            int n = samplesPerRecord[eeg[0]];
            double[] values = new double[n * eeg.length];
            for (int c = 0; c < eeg.length; c++) {
                int sig = eeg[c];
                for (int k = 0; k < n; k++) {
                    int at = signalStart[sig] + 3 * k;
                    int digital = (r.get(at) & 0xff) | (r.get(at + 1) & 0xff) << 8 | r.get(at + 2) << 16;
                    values[k * eeg.length + c] = offset[sig] + gain[sig] * digital;
                }
            }
            if (Double.isNaN(firstOnset)) {
                firstOnset = annotationSignal >= 0 ? recordOnset(r, signalStart[annotationSignal]) : 0;
            }
            double t0 = startSeconds + firstOnset + next * recordSeconds;
            double[] timestamps = new double[n];
            for (int k = 0; k < n; k++) {
                timestamps[k] = t0 + k * recordSeconds / n;
            }
            next++;
            return new RawSamples(channels, timestamps, values, rate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The onset of a BDF+ record's timekeeping annotation ({@code +0.125\u0014\u0014}). */
    private static double recordOnset(ByteBuffer r, int at) {
        StringBuilder s = new StringBuilder();
        for (int i = at; i < r.limit() && r.get(i) != 0x14; i++) {
            s.append((char) r.get(i));
        }
        try {
            return Double.parseDouble(s.toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private long size() {
        try {
            return file.size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ByteBuffer read(long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (file.read(b, position + b.position()) < 0) {
                throw new IOException("the file ends inside its header or a data record");
            }
        }
        return b;
    }

    private static String text(byte[] bytes, int at, int length) {
        return new String(bytes, at, length, StandardCharsets.US_ASCII).trim();
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
