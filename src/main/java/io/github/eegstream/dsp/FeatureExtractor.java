package io.github.eegstream.dsp;

import java.util.Arrays;
import java.util.List;

/**
 * Band powers and signal quality of each channel of a window. One per thread: it reuses its Welch
 * plans, filters and scratch space from window to window.
 */
public final class FeatureExtractor {

    private static final double[] LINE_FREQUENCIES = {50, 60};

    private final FeatureSettings settings;
    private final List<Band> bands;
    private Welch welch;
    private double[] psd;
    /** Bins of each band (then the EEG range and the two line-noise ranges) at {@link #binsRate}. */
    private int[][] bins;
    private double binsRate;
    private NotchFilter notch;
    private double notchRate;
    private double[] filtered = new double[0];

    public FeatureExtractor(FeatureSettings settings) {
        this.settings = settings;
        this.bands = settings.bandList();
    }

    /**
     * @param values row-major samples x channels, in µV
     * @param rate sampling rate, Hz
     */
    public WindowFeatures extract(String[] channels, double[] values, int samples, double rate) {
        int width = channels.length;
        Length segmentLength = settings.welchSegment();
        int segment = Math.max(2, Math.min(samples, segmentLength.toSamples(rate)));
        Welch w = welchOf(segment);
        if (bins == null || binsRate != rate) {
            bins = binRanges(w, rate);
            binsRate = rate;
        }
        double[] signal = values;
        if (settings.notch() > 0 && settings.notch() < rate / 2 && samples > 9) {
            signal = notched(values, width, samples, rate);
        }
        double[][] absolute = new double[width][bands.size()];
        double[][] relative = new double[width][bands.size()];
        ChannelQuality[] quality = new ChannelQuality[width];
        for (int c = 0; c < width; c++) {
            Amplitude a = amplitude(values, c, width, samples);
            boolean unusable = !a.finite || a.sd < settings.quality().flatMicrovolts()
                    || a.maxAbs >= settings.quality().railMicrovolts();
            if (unusable) {
                quality[c] = new ChannelQuality(0, !a.finite, a.finite && a.sd < settings.quality().flatMicrovolts(),
                        a.finite && a.maxAbs >= settings.quality().railMicrovolts(), false, false, a.peakToPeak, 0);
                continue;
            }
            w.psd(values, c, width, samples, rate, psd);
            double lineRatio = lineNoiseRatio(w, rate);
            if (signal != values) {
                w.psd(signal, c, width, samples, rate, psd);
            }
            double total = 0;
            for (int b = 0; b < bands.size(); b++) {
                absolute[c][b] = power(w, psd, rate, bins[b]);
                total += absolute[c][b];
            }
            for (int b = 0; b < bands.size(); b++) {
                relative[c][b] = total > 0 ? absolute[c][b] / total : 0;
            }
            boolean artifact = a.peakToPeak > settings.quality().artifactMicrovolts();
            boolean lineNoise = lineRatio > settings.quality().lineNoiseRatio();
            double score = 1 - (artifact ? 0.5 : 0) - (lineNoise ? 0.3 : 0);
            quality[c] = new ChannelQuality(score, false, false, false, artifact, lineNoise, a.peakToPeak, lineRatio);
        }
        return new WindowFeatures(channels, bands, absolute, relative, quality, rate);
    }

    /**
     * Power in {@code [low, high)}: the sum of the PSD bins whose frequency is in the band, times
     * the bin width. The extractor computes each band's bins once; this is the same computation.
     */
    static double bandPower(Welch w, double[] psd, double rate, Band band) {
        return power(w, psd, rate, range(w, rate, band.low(), band.high()));
    }

    private static double power(Welch w, double[] psd, double rate, int[] bins) {
        return sum(psd, bins) * rate / w.segmentLength();
    }

    /** Power within 1 Hz of 50 or 60 Hz (the larger) over the 1-45 Hz power. */
    private double lineNoiseRatio(Welch w, double rate) {
        int n = bands.size();
        double eeg = sum(psd, bins[n]);
        double line = 0;
        for (int i = 0; i < LINE_FREQUENCIES.length; i++) {
            if (LINE_FREQUENCIES[i] + 1 < rate / 2) {
                line = Math.max(line, sum(psd, bins[n + 1 + i]));
            }
        }
        return eeg > 0 ? line / eeg : 0;
    }

    /** For each band, then 1-45 Hz, then each line frequency ± 1 Hz: the first and last+1 bin. */
    private int[][] binRanges(Welch w, double rate) {
        int n = bands.size();
        int[][] out = new int[n + 1 + LINE_FREQUENCIES.length][];
        for (int b = 0; b < n; b++) {
            out[b] = range(w, rate, bands.get(b).low(), bands.get(b).high());
        }
        out[n] = range(w, rate, 1, 45);
        for (int i = 0; i < LINE_FREQUENCIES.length; i++) {
            out[n + 1 + i] = range(w, rate, LINE_FREQUENCIES[i] - 1, LINE_FREQUENCIES[i] + 1);
        }
        return out;
    }

    /** The bins with frequency in [low, high), as {first, end}. */
    private static int[] range(Welch w, double rate, double low, double high) {
        int first = w.binCount();
        int end = 0;
        for (int k = 0; k < w.binCount(); k++) {
            double f = w.frequency(k, rate);
            if (f >= low && f < high) {
                first = Math.min(first, k);
                end = k + 1;
            }
        }
        return new int[] {first, Math.max(first, end)};
    }

    private static double sum(double[] psd, int[] range) {
        double s = 0;
        for (int k = range[0]; k < range[1]; k++) {
            s += psd[k];
        }
        return s;
    }

    private double[] notched(double[] values, int width, int samples, double rate) {
        if (notch == null || notchRate != rate) {
            notch = new NotchFilter(settings.notch(), settings.notchQuality(), rate);
            notchRate = rate;
        }
        if (filtered.length < samples * width) {
            filtered = new double[samples * width];
        }
        System.arraycopy(values, 0, filtered, 0, samples * width);
        for (int c = 0; c < width; c++) {
            notch.apply(filtered, c, width, samples);
        }
        return filtered;
    }

    private record Amplitude(boolean finite, double sd, double peakToPeak, double maxAbs) {}

    private static Amplitude amplitude(double[] values, int channel, int width, int samples) {
        double mean = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        boolean nan = false;
        for (int s = 0, i = channel; s < samples; s++, i += width) {
            double v = values[i];
            mean += v;
            // Plain comparisons, not Math.min/max, whose NaN rules cost a branch chain per value on
            // this hot path; a NaN is remembered instead, and gives the same NaN extremes as they did.
            nan |= v != v;
            if (v < min) {
                min = v;
            }
            if (v > max) {
                max = v;
            }
        }
        if (nan) {
            min = Double.NaN;
            max = Double.NaN;
        }
        mean /= samples;
        double var = 0;
        for (int s = 0, i = channel; s < samples; s++, i += width) {
            var += (values[i] - mean) * (values[i] - mean);
        }
        double sd = Math.sqrt(var / samples);
        return new Amplitude(Double.isFinite(sd), sd, max - min, Math.max(Math.abs(min), Math.abs(max)));
    }

    private Welch welchOf(int segment) {
        if (welch == null || welch.segmentLength() != segment) {
            welch = new Welch(segment, settings.welchOverlap());
            psd = new double[welch.binCount()];
            bins = null;
        }
        return welch;
    }

    @Override
    public String toString() {
        return "FeatureExtractor" + Arrays.toString(bands.toArray());
    }
}
