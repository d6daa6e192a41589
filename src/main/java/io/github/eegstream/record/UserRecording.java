package io.github.eegstream.record;

import io.github.eegstream.recording.BdfWriter;
import io.github.eegstream.wire.Alert;
import io.github.eegstream.wire.Features;
import io.github.eegstream.wire.Prediction;
import io.github.eegstream.wire.RawSamples;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One user's recording: the samples as they arrive, on a regular grid at the stream's rate
 * (missing samples are filled with the last value and marked with a {@code samples_missing}
 * annotation; repeats are skipped), and the user's predictions, features and alerts as
 * annotations. The file is opened at the first sample, once the rate is known: a chunk carries
 * it; for single samples it is measured over the first second.
 */
final class UserRecording implements AutoCloseable {

    private final Path path;
    private final String user;
    private final double fixedRate;
    private final List<RawSamples> early = new ArrayList<>();
    private final List<Object> earlyEvents = new ArrayList<>();
    private BdfWriter writer;
    private String[] channels;
    private int rate;
    private double nextTimestamp;
    private double[] last;
    private long samples;
    private long filled;
    private long skippedLayout;

    /** @param fixedRate the rate to record at, or 0 to take the stream's */
    UserRecording(Path path, String user, double fixedRate) {
        this.path = path;
        this.user = user;
        this.fixedRate = fixedRate;
    }

    void add(RawSamples s) throws IOException {
        if (writer == null) {
            early.add(s);
            double measured = measuredRate();
            if (measured > 0) {
                open(measured);
            }
            return;
        }
        if (!Arrays.equals(channels, s.channels())) {
            skippedLayout += s.sampleCount(); // a file has one set of channels
            return;
        }
        for (int i = 0; i < s.sampleCount(); i++) {
            double t = s.timestamps()[i];
            if (t < nextTimestamp - 0.5 / rate) {
                continue; // a repeat
            }
            int missing = (int) Math.round((t - nextTimestamp) * rate);
            if (missing > 0 && last != null) {
                writer.annotate(nextTimestamp, String.format(Locale.ROOT, "samples_missing %.3f s (filled with the last value)",
                        missing / (double) rate));
                for (int m = 0; m < missing; m++) {
                    writer.add(last);
                }
                filled += missing;
                nextTimestamp += (double) missing / rate;
            }
            double[] row = new double[channels.length];
            for (int c = 0; c < row.length; c++) {
                row[c] = s.value(i, c);
            }
            writer.add(row);
            last = row;
            samples++;
            nextTimestamp += 1.0 / rate;
        }
    }

    private double measuredRate() {
        if (fixedRate > 0) {
            return fixedRate;
        }
        RawSamples first = early.get(0);
        if (first.rate() > 0) {
            return first.rate();
        }
        int n = early.stream().mapToInt(RawSamples::sampleCount).sum();
        double span = early.get(early.size() - 1).timestamps()[early.get(early.size() - 1).sampleCount() - 1]
                - first.timestamps()[0];
        return span >= 1.0 ? (n - 1) / span : 0;
    }

    private void open(double measured) throws IOException {
        rate = (int) Math.round(measured);
        channels = early.get(0).channels();
        double start = early.get(0).timestamps()[0];
        writer = new BdfWriter(path, user, channels, rate, start);
        nextTimestamp = start;
        List<RawSamples> buffered = new ArrayList<>(early);
        early.clear();
        for (RawSamples s : buffered) {
            add(s);
        }
        for (Object e : earlyEvents) {
            annotate(e);
        }
        earlyEvents.clear();
    }

    void annotate(Object event) {
        if (writer == null) {
            earlyEvents.add(event);
            return;
        }
        if (event instanceof Prediction p) {
            String values = p.data().entrySet().stream().map(e -> e.getKey() + "=" + format(e.getValue()))
                    .collect(Collectors.joining(" "));
            writer.annotate(p.timestamp() == null ? nextTimestamp : p.timestamp(), "prediction " + orEmpty(p.predictionType())
                    + " " + values + (p.confidence() == null ? "" : " confidence=" + format(p.confidence()))
                    + " source=" + orEmpty(p.source()));
        } else if (event instanceof Alert a) {
            writer.annotate(a.timestamp() == null ? nextTimestamp : a.timestamp(), "alert " + a.alertType() + " "
                    + a.state() + " (" + a.severity() + "): " + orEmpty(a.message()));
        } else if (event instanceof Features f) {
            StringBuilder text = new StringBuilder("features");
            for (Map.Entry<String, double[]> band : f.relativePower().entrySet()) {
                text.append(' ').append(band.getKey()).append('=')
                        .append(format(Arrays.stream(band.getValue()).average().orElse(Double.NaN)));
            }
            text.append(" quality=").append(Arrays.stream(f.quality()).mapToObj(UserRecording::format)
                    .collect(Collectors.joining(",")));
            writer.annotate(f.timestamp(), text.toString());
        }
    }

    String summary() {
        if (writer == null) {
            return user + ": nothing recorded (no samples arrived)";
        }
        return String.format(Locale.ROOT, "%s: %d samples (%.1f s at %d Hz, %d channels) to %s%s%s", user, samples,
                samples / (double) rate, rate, channels.length, path, filled > 0 ? ", " + filled + " missing filled" : "",
                skippedLayout > 0 ? ", " + skippedLayout + " samples of another channel layout left out" : "");
    }

    private static String format(Object v) {
        return v instanceof Number n ? String.format(Locale.ROOT, "%.4g", n.doubleValue()) : String.valueOf(v);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    @Override
    public void close() throws IOException {
        if (writer != null) {
            writer.close();
        }
    }
}
