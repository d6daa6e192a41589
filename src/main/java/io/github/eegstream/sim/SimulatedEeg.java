package io.github.eegstream.sim;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A generator of EEG-like samples in microvolts: 1/f ("pink") background noise plus theta (6 Hz),
 * alpha (10 Hz) and beta (20 Hz) rhythms whose amplitudes wax and wane slowly.
 *
 * <p>The {@linkplain #setWorkload(double) workload} knob (0 = relaxed, 1 = high load) follows what
 * EEG studies of mental workload report: frontal theta rises and parietal/occipital alpha falls as
 * load increases. Deterministic for a given seed. Not thread-safe, except {@link #setWorkload}.
 */
public final class SimulatedEeg {

    /** 10-20 system labels used for the first channels; further channels are {@code Ch<n>}. */
    private static final String[] LABELS = {
        "Fp1", "Fp2", "F3", "F4", "C3", "C4", "P3", "P4", "O1", "O2",
        "F7", "F8", "T7", "T8", "P7", "P8", "Fz", "Cz", "Pz", "Oz"
    };

    private final String[] channels;
    private final double rate;
    private final SplittableRandom random;
    private final double[][] pinkState;
    private final double[] phaseOffset;
    private final double[] frontality; // 1 at the front of the head, 0 at the back
    private final double[] envelope = {1, 1, 1}; // slow amplitude modulation of theta, alpha, beta
    private volatile double workload;
    private volatile java.util.Set<String> detached = java.util.Set.of();
    private volatile java.util.Set<String> railed = java.util.Set.of();
    private volatile double blinksPerMinute;
    private volatile double lineNoiseMicrovolts;
    private volatile double lineFrequency = 50;
    private long index;
    private long blinkUntil = -1;
    private long blinkStart;

    public SimulatedEeg(int channelCount, double rate, long seed) {
        if (channelCount < 1) {
            throw new IllegalArgumentException("channel count must be at least 1, was " + channelCount);
        }
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("rate must be a positive number of Hz, was " + rate);
        }
        this.channels = channelNames(channelCount);
        this.rate = rate;
        this.random = new SplittableRandom(seed);
        this.pinkState = new double[channelCount][7];
        this.phaseOffset = new double[channelCount];
        this.frontality = new double[channelCount];
        for (int c = 0; c < channelCount; c++) {
            phaseOffset[c] = random.nextDouble() * 2 * Math.PI;
            frontality[c] = frontality(channels[c]);
        }
    }

    /** The channel labels used for {@code count} channels. */
    public static String[] channelNames(int count) {
        String[] names = new String[count];
        for (int c = 0; c < count; c++) {
            names[c] = c < LABELS.length ? LABELS[c] : "Ch" + c;
        }
        return names;
    }

    public String[] channels() {
        return channels.clone();
    }

    public double rate() {
        return rate;
    }

    public double workload() {
        return workload;
    }

    /** Sets mental workload in [0, 1]; safe to call from any thread. */
    public void setWorkload(double workload) {
        if (!(workload >= 0 && workload <= 1)) {
            throw new IllegalArgumentException("workload must be between 0 and 1, was " + workload);
        }
        this.workload = workload;
    }

    /** The amplifier's rail: a railed channel reads this constant (µV), as a saturated ADC does. */
    public static final double RAIL_MICROVOLTS = 187_500;

    /** Channels whose electrode is off the scalp: they read a flat line. Safe from any thread. */
    public void setDetached(java.util.Collection<String> channels) {
        detached = java.util.Set.copyOf(known(channels));
    }

    /** Channels whose amplifier is railed (saturated). Safe from any thread. */
    public void setRailed(java.util.Collection<String> channels) {
        railed = java.util.Set.copyOf(known(channels));
    }

    /** Eye blinks per minute: 200 µV, 300 ms deflections, largest at the front. Safe from any thread. */
    public void setBlinksPerMinute(double perMinute) {
        if (!(perMinute >= 0 && perMinute <= 120)) {
            throw new IllegalArgumentException("blinks per minute must be between 0 and 120, was " + perMinute);
        }
        blinksPerMinute = perMinute;
    }

    /** Power-line pickup of this amplitude (µV) at 50 or 60 Hz on every channel. Safe from any thread. */
    public void setLineNoise(double microvolts, double frequency) {
        if (!(microvolts >= 0) || !(frequency == 50 || frequency == 60)) {
            throw new IllegalArgumentException("line noise needs an amplitude >= 0 µV at 50 or 60 Hz");
        }
        lineNoiseMicrovolts = microvolts;
        lineFrequency = frequency;
    }

    private java.util.List<String> known(java.util.Collection<String> names) {
        java.util.List<String> all = java.util.Arrays.asList(channels);
        for (String n : names) {
            if (!all.contains(n)) {
                throw new IllegalArgumentException("no channel named '" + n + "' (channels: " + String.join(", ", channels) + ")");
            }
        }
        return java.util.List.copyOf(names);
    }

    /** Writes the next sample, one value per channel, into {@code out}. */
    public void next(double[] out) {
        long i = index++;
        double t = i / rate;
        double load = workload;
        if (blinksPerMinute > 0 && i > blinkUntil && random.nextDouble() < blinksPerMinute / 60 / rate) {
            blinkStart = i;
            blinkUntil = i + (long) (0.3 * rate);
        }
        double blink = i <= blinkUntil ? 200 * Math.sin(Math.PI * (i - blinkStart) / (0.3 * rate)) : 0;
        double line = lineNoiseMicrovolts * Math.sin(2 * Math.PI * lineFrequency * t);
        java.util.Set<String> off = detached;
        java.util.Set<String> rail = railed;
        for (int k = 0; k < envelope.length; k++) {
            // A slow random walk around 1, so rhythms wax and wane over seconds as real ones do.
            envelope[k] += (1 - envelope[k]) * (0.5 / rate) + random.nextGaussian() * Math.sqrt(1 / rate) * 0.15;
            envelope[k] = Math.max(0.2, envelope[k]);
        }
        double theta = Math.sin(2 * Math.PI * 6 * t);
        double beta = Math.sin(2 * Math.PI * 20 * t);
        for (int c = 0; c < channels.length; c++) {
            double f = frontality[c];
            double thetaAmp = (3 + 9 * load) * (0.5 + f) * envelope[0];
            double alphaAmp = (14 - 10 * load) * (1.5 - f) * envelope[1];
            double betaAmp = (2.5 + 2.5 * load) * envelope[2];
            double eeg = pink(pinkState[c]) * 6
                    + thetaAmp * Math.sin(2 * Math.PI * 6 * t + phaseOffset[c]) * 0.3 + thetaAmp * theta * 0.7
                    + alphaAmp * Math.sin(2 * Math.PI * 10 * t + phaseOffset[c])
                    + betaAmp * (0.5 * beta + 0.5 * Math.sin(2 * Math.PI * 20 * t + 2 * phaseOffset[c]));
            if (rail.contains(channels[c])) {
                out[c] = RAIL_MICROVOLTS;
            } else if (off.contains(channels[c])) {
                out[c] = 0;
            } else {
                out[c] = eeg + blink * f * f + line;
            }
        }
    }

    /** Paul Kellet's filter: white noise to a 1/f spectrum, within 0.05 dB above 9 Hz at 44.1 kHz. */
    private double pink(double[] b) {
        double white = random.nextGaussian();
        b[0] = 0.99886 * b[0] + white * 0.0555179;
        b[1] = 0.99332 * b[1] + white * 0.0750759;
        b[2] = 0.96900 * b[2] + white * 0.1538520;
        b[3] = 0.86650 * b[3] + white * 0.3104856;
        b[4] = 0.55000 * b[4] + white * 0.5329522;
        b[5] = -0.7616 * b[5] - white * 0.0168980;
        double pink = b[0] + b[1] + b[2] + b[3] + b[4] + b[5] + b[6] + white * 0.5362;
        b[6] = white * 0.115926;
        return pink * 0.2;
    }

    private static double frontality(String label) {
        String l = label.toUpperCase(java.util.Locale.ROOT);
        if (l.startsWith("FP") || l.startsWith("AF")) {
            return 1.0;
        }
        if (l.startsWith("F")) {
            return 0.85;
        }
        if (l.startsWith("C") || l.startsWith("T")) {
            return 0.5;
        }
        if (l.startsWith("P")) {
            return 0.15;
        }
        if (l.startsWith("O")) {
            return 0.0;
        }
        return 0.5;
    }

    @Override
    public String toString() {
        return "SimulatedEeg" + Arrays.toString(channels) + " @ " + rate + " Hz, workload " + workload;
    }
}
