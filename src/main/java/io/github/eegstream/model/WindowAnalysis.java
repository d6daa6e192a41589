package io.github.eegstream.model;

import io.github.eegstream.dsp.Band;
import io.github.eegstream.dsp.FeatureExtractor;
import io.github.eegstream.dsp.FeatureSettings;
import io.github.eegstream.dsp.WindowFeatures;
import io.github.eegstream.wire.Alert;
import io.github.eegstream.wire.Features;
import io.github.eegstream.wire.Prediction;
import io.github.eegstream.wire.RawSamples;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * From a window of samples to what is published about it: its features, a prediction (unless no
 * channel is usable), and the alerts it raises or clears. The prediction job and the offline
 * {@code eeg features} command both run this, so they publish the same for the same samples.
 * One per thread (it holds the feature extractor's scratch space and the model's session).
 */
public final class WindowAnalysis implements AutoCloseable {

    /** Everything the analysis is configured with, from the job spec. */
    public record Settings(
            FeatureSettings features, CalibrationSettings calibration, String model, byte[] modelBytes,
            String predictionType, String source, List<AlertRule> alerts)
            implements Serializable {

        public Settings {
            alerts = alerts == null ? List.of() : List.copyOf(alerts);
        }
    }

    /**
     * What to publish about one window.
     *
     * @param prediction null when no channel was usable or the model failed
     * @param modelError why the model failed on this window, or null
     */
    public record Result(Features features, Prediction prediction, List<Alert> alerts, String modelError) {}

    private final Settings settings;
    private final FeatureExtractor extractor;
    private final PredictionModel model;
    private final AlertRules rules;
    private final boolean perChannelFeatures;
    private final FeatureVector.Names names = new FeatureVector.Names();

    /** @throws IllegalArgumentException if the model cannot be loaded or a rule is malformed */
    public WindowAnalysis(Settings settings) {
        this.settings = settings;
        this.extractor = new FeatureExtractor(settings.features());
        this.model = PredictionModels.create(settings.model(), settings.modelBytes());
        this.rules = new AlertRules(settings.alerts());
        this.perChannelFeatures = model.featureNames().stream().anyMatch(FeatureVector::isPerChannel)
                || settings.alerts().stream().anyMatch(r -> FeatureVector.isPerChannel(r.condition().metric()));
    }

    /**
     * Analyses a window and updates the user's state.
     *
     * @return null if the window's sampling rate cannot be known (a single sample, no rate)
     */
    public Result analyze(RawSamples window, boolean partial, UserState state) {
        double rate = sampleRate(window);
        if (!(rate > 0) || window.sampleCount() < 2) {
            return null;
        }
        List<Alert> alerts = new ArrayList<>();
        double first = window.timestamps()[0];
        double last = window.timestamps()[window.sampleCount() - 1];
        if (state.getAlerts().isStalled()) {
            state.getAlerts().setStalled(false);
            alerts.add(new Alert("stream_stalled", Alert.Severity.WARNING, Alert.State.CLEARED, "samples are arriving again",
                    settings.source(), first, Map.of()));
        }
        if (state.getAlerts().isClockJumped() && !partial) {
            state.getAlerts().setClockJumped(false);
            alerts.add(new Alert("clock_jump", Alert.Severity.WARNING, Alert.State.CLEARED, "a full window of consistent timestamps",
                    settings.source(), first, Map.of()));
        }
        WindowFeatures f = extractor.extract(window.channels(), window.values(), window.sampleCount(), rate);
        Map<String, Double> indices = Indices.of(f);
        Map<String, Double> vector = FeatureVector.of(f, indices, perChannelFeatures, names);
        Prediction prediction = null;
        String modelError = null;
        Map<String, Double> metrics = new LinkedHashMap<>(vector);
        if (f.anyUsable()) {
            Map<String, Object> calibrated = state.getCalibration().apply(indices, settings.calibration());
            try {
                Map<String, Object> data = model.predict(vector, calibrated);
                data.forEach((k, v) -> {
                    if (v instanceof Number n) {
                        metrics.put(k, n.doubleValue());
                    }
                });
                metrics.put("confidence", f.meanQuality());
                prediction = new Prediction(settings.predictionType(), data, f.meanQuality(), settings.source(), last,
                        first, last, window.sampleCount(), model.name(), model.version(), partial ? Boolean.TRUE : null,
                        (int) Math.min(Integer.MAX_VALUE, state.getCalibration().windowsSeen()));
            } catch (RuntimeException e) { // one window's failure never stops the stream
                modelError = model.name() + ": " + e.getMessage();
            }
        }
        for (Alert alert : rules.evaluate(state.getAlerts(), last, metrics, settings.source())) {
            alerts.add(alert.data().keySet().stream().anyMatch(k -> k.startsWith("bad_channel")) ? withBadChannels(alert, f) : alert);
        }
        return new Result(features(window, f, indices, first, last), prediction, alerts, modelError);
    }

    /** Names the channels at fault, and what is wrong with each, on a signal alert. */
    private static Alert withBadChannels(Alert alert, WindowFeatures f) {
        Map<String, Object> bad = new LinkedHashMap<>();
        for (int c = 0; c < f.channels().length; c++) {
            if (!f.usable(c)) {
                bad.put(f.channels()[c], f.quality()[c].problems());
            }
        }
        Map<String, Object> data = new LinkedHashMap<>(alert.data());
        data.put("channels", bad);
        String message = Alert.State.RAISED.is(alert.state()) && !bad.isEmpty()
                ? alert.message() + " (" + bad.keySet().stream().map(c -> c + ": " + bad.get(c)).reduce((a, b) -> a + ", " + b).orElse("") + ")"
                : alert.message();
        return new Alert(alert.alertType(), alert.severity(), alert.state(), message, alert.source(), alert.timestamp(), data);
    }

    /**
     * Samples between two timestamps never arrived (lost before the job). Raised for each gap, with
     * nothing to clear: the stream goes on.
     */
    public Alert samplesMissing(double from, double to) {
        return new Alert("samples_missing", Alert.Severity.WARNING, Alert.State.RAISED,
                String.format(java.util.Locale.ROOT, "%.2f s of samples missing", to - from), settings.source(), to,
                Map.of("missing_from", from, "missing_to", to, "missing_seconds", to - from));
    }

    /**
     * A durable stream lost entries from {@code from} to {@code to} (seconds, by the entries' ids)
     * before the job read them: its retention ran out while the job was down or behind.
     */
    public Alert retentionGap(double from, double to) {
        return new Alert("retention_gap", Alert.Severity.CRITICAL, Alert.State.RAISED,
                String.format(java.util.Locale.ROOT,
                        "%.1f s of the stream were trimmed before they were read: keep streams longer than the job may be down",
                        to - from), settings.source(), to,
                Map.of("lost_from", from, "lost_to", to, "lost_seconds", to - from));
    }

    /**
     * The user's timestamps jumped from {@code from} to {@code to} (a clock reset or step): raise
     * {@code clock_jump} once; it clears with the first full window of the new timeline.
     */
    public List<Alert> clockJump(UserState state, double from, double to) {
        if (state.getAlerts().isClockJumped()) {
            return List.of();
        }
        state.getAlerts().setClockJumped(true);
        double jump = to - from;
        return List.of(new Alert("clock_jump", Alert.Severity.WARNING, Alert.State.RAISED,
                String.format(java.util.Locale.ROOT, "timestamps jumped %s by %.3f s; a new timeline starts",
                        jump < 0 ? "back" : "forward", Math.abs(jump)),
                settings.source(), to, Map.of("from", from, "to", to, "jump_seconds", jump)));
    }

    /**
     * The user sends more samples per second than it is admitted: raise {@code rate_exceeded}
     * once, with the limit; the excess is dropped.
     */
    public List<Alert> rateExceeded(UserState state, double limit, double timestamp) {
        if (state.getAlerts().isRateExceeded()) {
            return List.of();
        }
        state.getAlerts().setRateExceeded(true);
        return List.of(new Alert("rate_exceeded", Alert.Severity.WARNING, Alert.State.RAISED,
                String.format(java.util.Locale.ROOT, "more than %.0f samples/s: the excess is dropped", limit),
                settings.source(), timestamp, Map.of("limit_samples_per_second", limit)));
    }

    /** The user is back within its admission limit: clear {@code rate_exceeded}. */
    public List<Alert> rateRestored(UserState state, double timestamp) {
        if (!state.getAlerts().isRateExceeded()) {
            return List.of();
        }
        state.getAlerts().setRateExceeded(false);
        return List.of(new Alert("rate_exceeded", Alert.Severity.WARNING, Alert.State.CLEARED, "samples arrive within the limit again",
                settings.source(), timestamp, Map.of()));
    }

    /** The user's stream stopped: raise {@code stream_stalled} once (it clears with the next window). */
    public List<Alert> streamStalled(UserState state, double lastTimestamp, double silentSeconds) {
        if (state.getAlerts().isStalled()) {
            return List.of();
        }
        state.getAlerts().setStalled(true);
        return List.of(new Alert("stream_stalled", Alert.Severity.WARNING, Alert.State.RAISED,
                String.format(java.util.Locale.ROOT, "no samples for %.0f s", silentSeconds), settings.source(),
                lastTimestamp, Map.of("silent_seconds", silentSeconds)));
    }

    private Features features(RawSamples w, WindowFeatures f, Map<String, Double> indices, double first, double last) {
        Map<String, double[]> absolute = new LinkedHashMap<>();
        Map<String, double[]> relative = new LinkedHashMap<>();
        for (int b = 0; b < f.bands().size(); b++) {
            Band band = f.bands().get(b);
            double[] abs = new double[f.channels().length];
            double[] rel = new double[f.channels().length];
            for (int c = 0; c < abs.length; c++) {
                abs[c] = f.absolutePower()[c][b];
                rel[c] = f.relativePower()[c][b];
            }
            absolute.put(band.name(), abs);
            relative.put(band.name(), rel);
        }
        double[] quality = Arrays.stream(f.quality()).mapToDouble(q -> q.score()).toArray();
        List<String> problems = Arrays.stream(f.quality()).map(q -> q.problems()).toList();
        return new Features(last, first, last, w.sampleCount(), f.rate(), Arrays.asList(f.channels()), absolute,
                relative, quality, problems, indices, f.meanQuality(), settings.source());
    }

    /** The spec's rate, else the stream's nominal rate, else the rate the timestamps show. */
    private double sampleRate(RawSamples s) {
        if (settings.features().sampleRate() > 0) {
            return settings.features().sampleRate();
        }
        if (s.rate() > 0) {
            return s.rate();
        }
        int n = s.sampleCount();
        double span = s.timestamps()[n - 1] - s.timestamps()[0];
        return span > 0 ? (n - 1) / span : 0;
    }

    @Override
    public void close() {
        model.close();
    }
}
