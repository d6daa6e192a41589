package io.github.eegstream.dsp;

/**
 * A second-order IIR notch at the power-line frequency, applied forwards and backwards so it adds
 * no phase shift. Computes exactly what {@code scipy.signal.filtfilt(*scipy.signal.iirnotch(f0, Q,
 * fs), x)} computes: the same design, odd extension of 9 samples at each end, and initial
 * conditions from {@code lfilter_zi}.
 */
public final class NotchFilter {

    private static final int PAD = 9; // scipy: 3 * max(len(a), len(b))

    private final double b0;
    private final double b1;
    private final double b2;
    private final double a1;
    private final double a2;
    private final double zi0;
    private final double zi1;
    private double[] ext = new double[0];

    /**
     * @param frequency the frequency to remove, Hz (50 or 60 for power lines)
     * @param quality the quality factor Q: the notch is {@code frequency / Q} Hz wide at -3 dB
     * @param rate the sampling rate, Hz
     */
    public NotchFilter(double frequency, double quality, double rate) {
        if (!(frequency > 0 && frequency < rate / 2)) {
            throw new IllegalArgumentException("a notch at " + frequency + " Hz needs a sampling rate above "
                    + 2 * frequency + " Hz, was " + rate);
        }
        double w0 = 2 * frequency / rate * Math.PI;
        double bw = 2 * frequency / rate / quality * Math.PI;
        double beta = Math.tan(bw / 2); // scipy: sqrt(1 - gb^2) / gb * tan(bw / 2) with gb = 1/sqrt(2)
        double gain = 1 / (1 + beta);
        b0 = gain;
        b1 = -2 * gain * Math.cos(w0);
        b2 = gain;
        a1 = -2 * gain * Math.cos(w0);
        a2 = 2 * gain - 1;
        // lfilter_zi: the steady state of direct form II transposed for a unit step.
        double r0 = b1 - a1 * b0;
        double r1 = b2 - a2 * b0;
        double det = (1 + a1) + a2;
        zi0 = (r0 + r1) / det;
        zi1 = r1 - a2 * zi0;
    }

    /**
     * Filters {@code n} samples of {@code x} read from {@code offset} with {@code stride}, in place.
     *
     * @throws IllegalArgumentException for 9 samples or fewer (scipy refuses those too)
     */
    public void apply(double[] x, int offset, int stride, int n) {
        if (n <= PAD) {
            throw new IllegalArgumentException("the notch filter needs more than " + PAD + " samples, got " + n);
        }
        int m = n + 2 * PAD;
        if (ext.length < m) {
            ext = new double[m];
        }
        double first = x[offset];
        double last = x[offset + (n - 1) * stride];
        for (int i = 0; i < PAD; i++) {
            ext[i] = 2 * first - x[offset + (PAD - i) * stride];
            ext[PAD + n + i] = 2 * last - x[offset + (n - 2 - i) * stride];
        }
        for (int i = 0; i < n; i++) {
            ext[PAD + i] = x[offset + i * stride];
        }
        forward(ext, m);
        reverse(ext, m);
        forward(ext, m);
        reverse(ext, m);
        for (int i = 0; i < n; i++) {
            x[offset + i * stride] = ext[PAD + i];
        }
    }

    /** scipy.signal.lfilter with zi = lfilter_zi * y[0], direct form II transposed. */
    private void forward(double[] y, int m) {
        double z0 = zi0 * y[0];
        double z1 = zi1 * y[0];
        for (int i = 0; i < m; i++) {
            double in = y[i];
            double out = b0 * in + z0;
            z0 = b1 * in - a1 * out + z1;
            z1 = b2 * in - a2 * out;
            y[i] = out;
        }
    }

    private static void reverse(double[] y, int m) {
        for (int i = 0, j = m - 1; i < j; i++, j--) {
            double t = y[i];
            y[i] = y[j];
            y[j] = t;
        }
    }
}
