package io.github.eegstream.dsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.model.Indices;
import io.github.eegstream.sim.SimulatedEeg;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class FeatureExtractorTest {

    static final FeatureSettings SETTINGS = new FeatureSettings(0, Length.seconds(1), 0.5, Map.of(
            "delta", List.of(1.0, 4.0), "theta", List.of(4.0, 8.0), "alpha", List.of(8.0, 13.0),
            "beta", List.of(13.0, 30.0), "gamma", List.of(30.0, 45.0)), 0, 30, QualityLimits.DEFAULT);

    @Test
    void aSineOfAmplitudeAHasPowerASquaredOverTwoInItsBand() {
        double rate = 256;
        int n = 512;
        double[] x = new double[n * 2];
        for (int i = 0; i < n; i++) {
            x[2 * i] = 10 * Math.sin(2 * Math.PI * 10 * i / rate); // alpha, 10 uV
            x[2 * i + 1] = 4 * Math.sin(2 * Math.PI * 6 * i / rate) + 3; // theta, 4 uV, with an offset
        }
        WindowFeatures f = new FeatureExtractor(SETTINGS).extract(new String[] {"Pz", "Fz"}, x, n, rate);
        int alpha = f.bandIndex("alpha");
        int theta = f.bandIndex("theta");
        assertEquals(50.0, f.absolutePower()[0][alpha], 50.0 * 0.01);
        assertEquals(8.0, f.absolutePower()[1][theta], 8.0 * 0.01);
        assertTrue(f.relativePower()[0][alpha] > 0.99, "nearly all of a pure tone's power is in its band");
        assertTrue(f.absolutePower()[1][f.bandIndex("delta")] < 0.01, "the offset is removed, not counted as delta");
    }

    @Test
    void welchMatchesParsevalForWhiteNoise() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        double[] x = new double[4096];
        double var = 0;
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextGaussian() * 5;
            var += x[i] * x[i];
        }
        var /= x.length;
        Welch w = new Welch(256, 0.5);
        double[] psd = new double[w.binCount()];
        w.psd(x, 0, 1, x.length, 100, psd);
        double total = 0;
        for (double p : psd) {
            total += p * 100.0 / 256;
        }
        assertEquals(var, total, var * 0.05);
    }

    @Test
    void qualityFindsDetachedRailedBlinkingAndNoisyChannels() {
        WindowFeatures clean = simulated(eeg -> {});
        for (ChannelQuality q : clean.quality()) {
            assertEquals(1.0, q.score(), "clean simulated EEG: " + q);
        }
        assertEquals(1.0, clean.meanQuality());

        WindowFeatures broken = simulated(eeg -> {
            eeg.setDetached(List.of("Fp1"));
            eeg.setRailed(List.of("O1"));
        });
        assertTrue(broken.quality()[0].flat() && broken.quality()[0].score() == 0, broken.quality()[0].toString());
        assertTrue(broken.quality()[8].railed() && !broken.quality()[8].usable());
        assertEquals(2.0 / 10, broken.badChannelFraction(), 1e-12);
        assertTrue(broken.meanQuality() < clean.meanQuality());

        WindowFeatures noisy = simulated(eeg -> eeg.setLineNoise(40, 50));
        assertTrue(noisy.quality()[5].lineNoise() && noisy.quality()[5].score() == 0.7, noisy.quality()[5].toString());
        Map<String, List<Double>> lineBand = Map.of("line", List.of(48.0, 52.0));
        FeatureSettings plain = new FeatureSettings(0, Length.seconds(1), 0.5, lineBand, 0, 30, QualityLimits.DEFAULT);
        FeatureSettings notched = new FeatureSettings(0, Length.seconds(1), 0.5, lineBand, 50, 30, QualityLimits.DEFAULT);
        double before = simulated(eeg -> eeg.setLineNoise(40, 50), plain).absolutePower()[5][0];
        double after = simulated(eeg -> eeg.setLineNoise(40, 50), notched).absolutePower()[5][0];
        assertTrue(after < before / 100, "the 50 Hz notch removes line noise: " + before + " -> " + after);

        WindowFeatures blinking = simulated(eeg -> eeg.setBlinksPerMinute(120));
        assertTrue(blinking.quality()[0].artifact(), "blinks show on Fp1: " + blinking.quality()[0]);
        assertFalse(blinking.quality()[8].artifact(), "but not on O1: " + blinking.quality()[8]);
    }

    @Test
    void simulatedWorkloadMovesTheWorkloadIndex() {
        double low = Indices.of(simulated(eeg -> eeg.setWorkload(0))).get("workload");
        double high = Indices.of(simulated(eeg -> eeg.setWorkload(1))).get("workload");
        assertTrue(high > 3 * low, "workload index (theta/alpha): relaxed " + low + ", loaded " + high);
    }

    static WindowFeatures simulated(Consumer<SimulatedEeg> setup) {
        return simulated(setup, SETTINGS);
    }

    static WindowFeatures simulated(Consumer<SimulatedEeg> setup, FeatureSettings settings) {
        SimulatedEeg eeg = new SimulatedEeg(10, 256, 42);
        setup.accept(eeg);
        int n = 4 * 256;
        double[] x = new double[n * 10];
        double[] row = new double[10];
        for (int i = 0; i < n; i++) {
            eeg.next(row);
            System.arraycopy(row, 0, x, i * 10, 10);
        }
        return new FeatureExtractor(settings).extract(eeg.channels(), x, n, 256);
    }
}
