package io.github.eegstream.dsp;

import java.util.List;

/**
 * Band powers and usability of each channel of a window of samples. One per thread: it reuses its
 * Welch plans and scratch space from window to window.
 */
public final class FeatureExtractor {

    /** A channel with a smaller standard deviation is flat: disconnected or not recording. */
    static final double FLAT_MICROVOLTS = 0.1;
    /** A larger peak-to-peak swing is no EEG: railed amplifier, lost contact or movement. */
    static final double SATURATED_MICROVOLTS = 1000;

    private final List<Band> bands;
    private final double segmentSeconds;
    private final int segmentSamples;
    private final double overlap;
    private Welch welch;
    private double[] psd;

    /**
     * @param segmentSeconds Welch segment length in seconds, or 0 to use {@code segmentSamples}
     */
    public FeatureExtractor(List<Band> bands, double segmentSeconds, int segmentSamples, double overlap) {
        this.bands = List.copyOf(bands);
        this.segmentSeconds = segmentSeconds;
        this.segmentSamples = segmentSamples;
        this.overlap = overlap;
    }

    /**
     * @param values row-major samples x channels
     * @param rate sampling rate, Hz
     */
    public WindowFeatures extract(String[] channels, double[] values, int samples, double rate) {
        int width = channels.length;
        int segment = Math.min(samples, segmentSeconds > 0 ? (int) Math.round(segmentSeconds * rate) : segmentSamples);
        Welch w = welchOf(Math.max(2, segment));
        double[][] power = new double[width][bands.size()];
        boolean[] usable = new boolean[width];
        for (int c = 0; c < width; c++) {
            usable[c] = isUsable(values, c, width, samples);
            if (!usable[c]) {
                continue;
            }
            w.psd(values, c, width, samples, rate, psd);
            for (int b = 0; b < bands.size(); b++) {
                power[c][b] = bandPower(w, psd, rate, bands.get(b));
            }
        }
        return new WindowFeatures(channels, bands, power, usable, rate);
    }

    /** Sum of PSD bins whose frequency is in {@code [low, high)}, times the bin width. */
    static double bandPower(Welch w, double[] psd, double rate, Band band) {
        double sum = 0;
        for (int k = 0; k < w.binCount(); k++) {
            double f = w.frequency(k, rate);
            if (f >= band.low() && f < band.high()) {
                sum += psd[k];
            }
        }
        return sum * rate / w.segmentLength();
    }

    private static boolean isUsable(double[] values, int channel, int width, int samples) {
        double mean = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int s = 0, i = channel; s < samples; s++, i += width) {
            double v = values[i];
            mean += v;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        mean /= samples;
        double var = 0;
        for (int s = 0, i = channel; s < samples; s++, i += width) {
            var += (values[i] - mean) * (values[i] - mean);
        }
        double sd = Math.sqrt(var / samples);
        return Double.isFinite(sd) && sd >= FLAT_MICROVOLTS && max - min <= SATURATED_MICROVOLTS;
    }

    private Welch welchOf(int segment) {
        if (welch == null || welch.segmentLength() != segment) {
            welch = new Welch(segment, overlap);
            psd = new double[welch.binCount()];
        }
        return welch;
    }
}
