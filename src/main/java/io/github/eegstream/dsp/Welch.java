package io.github.eegstream.dsp;

import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Welch's power spectral density estimate, computed as {@code scipy.signal.welch} computes it with
 * {@code window='hann', detrend='constant', scaling='density', average='mean'}: periodic Hann
 * segments of {@code segmentLength} samples, each with its mean removed, one-sided, in units²/Hz.
 *
 * <p>Holds its FFT plan and scratch arrays: create one per thread and reuse it.
 */
public final class Welch {

    private final int segmentLength;
    private final int step;
    private final double[] window;
    private final double windowPower;
    private final DoubleFFT_1D fft;
    private final double[] scratch;

    /**
     * @param segmentLength samples per segment
     * @param overlapFraction overlap of consecutive segments, in [0, 1)
     */
    public Welch(int segmentLength, double overlapFraction) {
        if (segmentLength < 2) {
            throw new IllegalArgumentException("a Welch segment needs at least 2 samples");
        }
        this.segmentLength = segmentLength;
        int overlap = (int) Math.floor(segmentLength * overlapFraction);
        this.step = segmentLength - overlap;
        this.window = new double[segmentLength];
        double power = 0;
        for (int i = 0; i < segmentLength; i++) {
            window[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / segmentLength); // periodic, as scipy's get_window
            power += window[i] * window[i];
        }
        this.windowPower = power;
        this.fft = new DoubleFFT_1D(segmentLength);
        this.scratch = new double[segmentLength];
    }

    public int segmentLength() {
        return segmentLength;
    }

    /** Number of frequency bins: {@code segmentLength / 2 + 1}. */
    public int binCount() {
        return segmentLength / 2 + 1;
    }

    /** Frequency of bin {@code k} at sampling rate {@code rate}. */
    public double frequency(int k, double rate) {
        return k * rate / segmentLength;
    }

    /**
     * The PSD of {@code n} samples read from {@code x} starting at {@code offset} with the given
     * {@code stride} (so a channel of a row-major window is read in place), written into
     * {@code psd} ({@link #binCount()} values).
     *
     * @throws IllegalArgumentException if {@code n} is shorter than one segment
     */
    public void psd(double[] x, int offset, int stride, int n, double rate, double[] psd) {
        if (n < segmentLength) {
            throw new IllegalArgumentException(n + " samples are fewer than one segment of " + segmentLength);
        }
        int segments = (n - segmentLength) / step + 1;
        java.util.Arrays.fill(psd, 0, binCount(), 0);
        for (int s = 0; s < segments; s++) {
            int start = offset + s * step * stride;
            double mean = 0;
            for (int i = 0; i < segmentLength; i++) {
                mean += x[start + i * stride];
            }
            mean /= segmentLength;
            for (int i = 0; i < segmentLength; i++) {
                scratch[i] = (x[start + i * stride] - mean) * window[i];
            }
            fft.realForward(scratch);
            accumulate(psd);
        }
        double scale = 1.0 / (rate * windowPower * segments);
        int last = binCount() - 1;
        for (int k = 0; k <= last; k++) {
            boolean unpaired = k == 0 || (k == last && segmentLength % 2 == 0); // DC and Nyquist
            psd[k] *= unpaired ? scale : 2 * scale;
        }
    }

    /** Adds |X_k|² from JTransforms' packed real-FFT layout. */
    private void accumulate(double[] psd) {
        int n = segmentLength;
        psd[0] += scratch[0] * scratch[0];
        if (n % 2 == 0) {
            psd[n / 2] += scratch[1] * scratch[1];
            for (int k = 1; k < n / 2; k++) {
                psd[k] += scratch[2 * k] * scratch[2 * k] + scratch[2 * k + 1] * scratch[2 * k + 1];
            }
        } else {
            int half = (n - 1) / 2;
            for (int k = 1; k < half; k++) {
                psd[k] += scratch[2 * k] * scratch[2 * k] + scratch[2 * k + 1] * scratch[2 * k + 1];
            }
            psd[half] += scratch[2 * half] * scratch[2 * half] + scratch[1] * scratch[1];
        }
    }
}
