package io.github.eegstream.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A user's running baseline of each index, and the mapping of an index to [0, 1] against it.
 *
 * <p>Ratios are compared on a log scale (they are roughly log-normal); the asymmetry is already a
 * log ratio. The baseline is an exponentially weighted mean and variance over about
 * {@code baselineWindows} windows, and a value maps to the logistic of its z-score: 0.5 is "as
 * usual for this user", 0.73 one standard deviation above. Until {@code warmupWindows} windows were
 * seen, the fixed rule (r / (1 + r) for ratios, (1 + tanh a) / 2 for the asymmetry) is blended in,
 * so the first predictions of a session are meaningful too.
 *
 * <p>A Flink POJO: the job keeps it in keyed state, so it survives restarts from a checkpoint.
 */
public final class Calibration {

    private static final String[] KEYS = {"workload", "engagement", "arousal", Indices.ASYMMETRY};

    private double[] mean = new double[KEYS.length];
    private double[] variance = new double[KEYS.length];
    private long[] count = new long[KEYS.length];

    /**
     * Maps each index to [0, 1] and then adds it to the baseline.
     *
     * @return prediction name to value: {@code workload}, {@code engagement}, {@code arousal} and
     *     {@code valence} (from the asymmetry)
     */
    public Map<String, Object> apply(Map<String, Double> indices, CalibrationSettings settings) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int k = 0; k < KEYS.length; k++) {
            Double raw = indices.get(KEYS[k]);
            if (raw == null) {
                continue;
            }
            boolean asymmetry = k == KEYS.length - 1;
            double x = asymmetry ? raw : Math.log(Math.max(raw, 1e-12));
            double fixed = asymmetry ? (1 + Math.tanh(raw)) / 2 : raw / (1 + raw);
            double value = fixed;
            if (settings.enabled() && count[k] >= 2 && variance[k] > 0) {
                double calibrated = 1 / (1 + Math.exp(-(x - mean[k]) / Math.sqrt(variance[k])));
                double w = Math.min(1.0, (double) count[k] / settings.warmupWindows());
                value = w * calibrated + (1 - w) * fixed;
            }
            out.put(asymmetry ? "valence" : KEYS[k], value);
            if (settings.enabled()) {
                update(k, x, settings.baselineWindows());
            }
        }
        return out;
    }

    private void update(int k, double x, int baselineWindows) {
        count[k]++;
        double alpha = 1.0 / Math.min(count[k], baselineWindows);
        double diff = x - mean[k];
        double increment = alpha * diff;
        mean[k] += increment;
        variance[k] = (1 - alpha) * (variance[k] + diff * increment);
    }

    /** Windows in the baseline of {@code workload}. */
    public long windowsSeen() {
        return count[0];
    }

    public double[] getMean() {
        return mean;
    }

    public void setMean(double[] mean) {
        this.mean = mean;
    }

    public double[] getVariance() {
        return variance;
    }

    public void setVariance(double[] variance) {
        this.variance = variance;
    }

    public long[] getCount() {
        return count;
    }

    public void setCount(long[] count) {
        this.count = count;
    }
}
