package io.github.eegstream.relay;

import io.github.eegstream.recording.BdfRecording;
import io.github.eegstream.recording.CsvRecording;
import io.github.eegstream.wire.RawSamples;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Locale;

/**
 * Replays a recording (a BDF/EDF or XDF file, as {@code eeg record} writes, or a CSV) as a device
 * would stream it: at its own pace, or {@code speed} times faster. Timestamps keep the
 * recording's spacing and start now, so the job cuts the same windows and makes the same
 * predictions as it did live.
 */
public final class FileSource implements SampleSource {

    /** Samples handed over at once: about 1/32 s at 256 Hz, as a device would deliver them. */
    private static final int PIECE = 8;
    /** The longest pause a replay makes for a gap in the recording. */
    private static final long MAX_WAIT_NANOS = 5_000_000_000L;

    private final Path path;
    private final Iterator<RawSamples> recording;
    private final AutoCloseable closer;
    private final String[] channels;
    private final double rate;
    private final double speed;
    private final ArrayDeque<RawSamples> pieces = new ArrayDeque<>();
    private double firstTimestamp = Double.NaN;
    private double startEpochSeconds;
    private long startNanos;

    /**
     * @param csvRate the sampling rate of a CSV without a timestamp column (ignored for BDF)
     * @param speed 1 for the recording's own pace, 4 for four times as fast
     */
    public FileSource(Path path, double csvRate, double speed) throws IOException {
        this(path, csvRate, speed, null);
    }

    /**
     * @param xdfStream of an XDF file, the stream to replay (by name, such as the user id it was
     *     recorded for); null, or no such stream: the first EEG stream
     */
    public FileSource(Path path, double csvRate, double speed, String xdfStream) throws IOException {
        if (!(speed > 0) || Double.isInfinite(speed)) {
            throw new IllegalArgumentException("--speed must be a positive number, was " + speed);
        }
        this.path = path;
        this.speed = speed;
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".bdf") || name.endsWith(".edf")) {
            BdfRecording bdf = new BdfRecording(path);
            recording = bdf;
            closer = bdf;
            channels = bdf.channels();
            rate = bdf.rate();
        } else if (name.endsWith(".csv")) {
            CsvRecording csv = new CsvRecording(path, csvRate);
            recording = csv;
            closer = csv;
            channels = csv.channels();
            rate = csvRate;
        } else if (name.endsWith(".xdf")) {
            io.github.eegstream.recording.XdfReader xdf = new io.github.eegstream.recording.XdfReader(path, xdfStream);
            recording = xdf;
            closer = xdf;
            channels = xdf.channels();
            rate = xdf.rate();
        } else {
            throw new IllegalArgumentException("cannot replay " + path + ": give a .bdf (or .edf) or .xdf recording, or a .csv");
        }
    }

    @Override
    public String[] channels() {
        return channels.clone();
    }

    @Override
    public double rate() {
        return rate;
    }

    @Override
    public RawSamples read() throws InterruptedException {
        if (pieces.isEmpty()) {
            if (!recording.hasNext()) {
                return null;
            }
            split(recording.next());
        }
        RawSamples piece = pieces.poll();
        double last = piece.timestamps()[piece.sampleCount() - 1];
        if (Double.isNaN(firstTimestamp)) {
            firstTimestamp = piece.timestamps()[0];
            startEpochSeconds = System.currentTimeMillis() / 1000.0;
            startNanos = System.nanoTime();
        }
        long due = startNanos + (long) Math.min((last - firstTimestamp) / speed * 1e9, Long.MAX_VALUE / 4.0);
        long wait = due - System.nanoTime();
        if (wait > MAX_WAIT_NANOS) {
            // A jump in the recording's timestamps (a pause, a clock step): replay it as a short
            // pause rather than waiting for hours; the timestamps keep the jump.
            startNanos -= wait - MAX_WAIT_NANOS;
            wait = MAX_WAIT_NANOS;
        }
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        double[] shifted = new double[piece.sampleCount()];
        for (int i = 0; i < shifted.length; i++) {
            shifted[i] = startEpochSeconds + (piece.timestamps()[i] - firstTimestamp);
        }
        return new RawSamples(piece.channels(), shifted, piece.values(), piece.rate());
    }

    private void split(RawSamples chunk) {
        int c = chunk.channelCount();
        for (int from = 0; from < chunk.sampleCount(); from += PIECE) {
            int to = Math.min(chunk.sampleCount(), from + PIECE);
            pieces.add(new RawSamples(chunk.channels(), java.util.Arrays.copyOfRange(chunk.timestamps(), from, to),
                    java.util.Arrays.copyOfRange(chunk.values(), from * c, to * c), chunk.rate()));
        }
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "replay of %s, %d channels @ %.0f Hz%s", path.getFileName(), channels.length, rate,
                speed == 1 ? "" : String.format(Locale.ROOT, ", %.3g× speed", speed));
    }

    @Override
    public void close() {
        try {
            closer.close();
        } catch (Exception e) {
            // nothing left to read anyway
        }
    }
}
