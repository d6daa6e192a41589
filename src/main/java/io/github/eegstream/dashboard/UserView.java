package io.github.eegstream.dashboard;

import io.github.eegstream.wire.Alert;
import io.github.eegstream.wire.Features;
import io.github.eegstream.wire.Prediction;
import io.github.eegstream.wire.RawSamples;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the dashboard has for one user since its last frame: raw samples thinned to the display
 * rate, predictions, alerts, and the latest features. Bounded: a user the page has not been sent
 * for a while keeps only its newest points. Used by one thread at a time (the caller locks).
 */
final class UserView {

    /** Points kept per channel between two frames: seconds of data at the display rate. */
    private static final int MAX_POINTS = 1024;
    private static final int MAX_EVENTS = 64;

    private final double displayRate;
    private String[] channels = new String[0];
    private final List<Double> times = new ArrayList<>();
    private final List<double[]> rows = new ArrayList<>();
    private final List<Map<String, Object>> predictions = new ArrayList<>();
    private final List<Map<String, Object>> alerts = new ArrayList<>();
    private Map<String, Object> features;
    private double nextShownTimestamp = Double.NEGATIVE_INFINITY;
    private long lastSeenMillis;

    UserView(double displayRate) {
        this.displayRate = displayRate;
    }

    /** Keeps about {@code displayRate} samples per second: enough for the eye, far less to send. */
    void add(RawSamples samples, long now) {
        lastSeenMillis = now;
        if (!java.util.Arrays.equals(channels, samples.channels())) {
            channels = samples.channels().clone();
            times.clear();
            rows.clear();
        }
        for (int i = 0; i < samples.sampleCount(); i++) {
            double t = samples.timestamps()[i];
            if (t < nextShownTimestamp) {
                continue;
            }
            nextShownTimestamp = Math.max(nextShownTimestamp + 1 / displayRate, t);
            double[] row = new double[channels.length];
            for (int c = 0; c < row.length; c++) {
                row[c] = samples.value(i, c);
            }
            times.add(t);
            rows.add(row);
        }
        if (times.size() > MAX_POINTS) {
            int drop = times.size() - MAX_POINTS;
            times.subList(0, drop).clear();
            rows.subList(0, drop).clear();
        }
    }

    void add(Prediction p, long now) {
        lastSeenMillis = now;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", p.predictionType());
        m.put("source", p.source() == null ? "(unnamed)" : p.source());
        m.put("t", p.timestamp() == null ? now / 1000.0 : p.timestamp());
        m.put("data", p.data());
        m.put("confidence", p.confidence());
        bounded(predictions, m);
    }

    void add(Alert a, long now) {
        lastSeenMillis = now;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", a.alertType());
        m.put("severity", a.severity());
        m.put("state", a.state());
        m.put("message", a.message());
        m.put("t", a.timestamp() == null ? now / 1000.0 : a.timestamp());
        bounded(alerts, m);
    }

    void add(Features f, long now) {
        lastSeenMillis = now;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("t", f.timestamp());
        m.put("channels", f.channels());
        m.put("relative", f.relativePower());
        m.put("quality", f.quality());
        m.put("problems", f.qualityProblems());
        m.put("confidence", f.confidence());
        features = m;
    }

    long lastSeenMillis() {
        return lastSeenMillis;
    }

    /** What arrived since the last call, as a map for the page; null if nothing did. */
    Map<String, Object> drain() {
        if (times.isEmpty() && predictions.isEmpty() && alerts.isEmpty() && features == null) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        if (!times.isEmpty()) {
            double[][] columns = new double[channels.length][times.size()];
            for (int i = 0; i < rows.size(); i++) {
                for (int c = 0; c < channels.length; c++) {
                    columns[c][i] = rows.get(i)[c];
                }
            }
            out.put("raw", Map.of("channels", channels, "t", times.stream().mapToDouble(Double::doubleValue).toArray(),
                    "v", columns));
            times.clear();
            rows.clear();
        }
        if (!predictions.isEmpty()) {
            out.put("predictions", new ArrayList<>(predictions));
            predictions.clear();
        }
        if (!alerts.isEmpty()) {
            out.put("alerts", new ArrayList<>(alerts));
            alerts.clear();
        }
        if (features != null) {
            out.put("features", features);
            features = null;
        }
        return out;
    }

    private static void bounded(List<Map<String, Object>> list, Map<String, Object> item) {
        list.add(item);
        if (list.size() > MAX_EVENTS) {
            list.remove(0);
        }
    }
}
