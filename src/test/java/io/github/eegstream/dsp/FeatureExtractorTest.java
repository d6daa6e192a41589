package io.github.eegstream.dsp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.model.IndexModel;
import io.github.eegstream.sim.SimulatedEeg;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FeatureExtractorTest {

    private static final List<Band> BANDS = List.of(
            new Band("delta", 1, 4), new Band("theta", 4, 8), new Band("alpha", 8, 13),
            new Band("beta", 13, 30), new Band("gamma", 30, 45));

    @Test
    void aSineOfAmplitudeAHasPowerASquaredOverTwoInItsBand() {
        double rate = 256;
        int n = 512;
        double[] x = new double[n * 2];
        for (int i = 0; i < n; i++) {
            x[2 * i] = 10 * Math.sin(2 * Math.PI * 10 * i / rate); // alpha, 10 uV
            x[2 * i + 1] = 4 * Math.sin(2 * Math.PI * 6 * i / rate) + 3; // theta, 4 uV, with an offset
        }
        WindowFeatures f = new FeatureExtractor(BANDS, 1.0, 0, 0.5).extract(new String[] {"Pz", "Fz"}, x, n, rate);
        assertEquals(50.0, f.bandPower()[0][f.bandIndex("alpha")], 50.0 * 0.01);
        assertEquals(8.0, f.bandPower()[1][f.bandIndex("theta")], 8.0 * 0.01);
        assertTrue(f.bandPower()[0][f.bandIndex("beta")] < 0.01, "Hann leakage stays near the tone");
        assertTrue(f.bandPower()[1][f.bandIndex("delta")] < 0.01, "the offset is removed, not counted as delta");
    }

    @Test
    void welchMatchesParsevalForWhiteNoise() {
        // The PSD integrates to the variance: a property of the estimator, whatever the signal.
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
    void flatAndRailedChannelsAreNotUsable() {
        int n = 256;
        double[] x = new double[n * 3];
        for (int i = 0; i < n; i++) {
            x[3 * i] = 10 * Math.sin(i * 0.3);
            x[3 * i + 1] = 4.0; // flat: electrode off
            x[3 * i + 2] = i % 2 == 0 ? 3000 : -3000; // railed amplifier
        }
        WindowFeatures f = new FeatureExtractor(BANDS, 1.0, 0, 0.5).extract(new String[] {"a", "b", "c"}, x, n, 256);
        assertArrayEquals(new boolean[] {true, false, false}, f.usable());
        assertEquals(1.0 / 3, f.usableFraction(), 1e-12);
    }

    @Test
    void simulatedWorkloadMovesTheWorkloadIndex() {
        double low = workloadIndex(0.0);
        double high = workloadIndex(1.0);
        assertTrue(high > low + 0.2, "workload index: relaxed " + low + ", loaded " + high);
    }

    private static double workloadIndex(double workload) {
        SimulatedEeg eeg = new SimulatedEeg(8, 256, 42);
        eeg.setWorkload(workload);
        int n = 512;
        double[] x = new double[n * 8];
        double[] row = new double[8];
        for (int i = 0; i < n; i++) {
            eeg.next(row);
            System.arraycopy(row, 0, x, i * 8, 8);
        }
        WindowFeatures f = new FeatureExtractor(BANDS, 1.0, 0, 0.5).extract(eeg.channels(), x, n, 256);
        Map<String, Object> p = new IndexModel().predict(f);
        return (Double) p.get("workload");
    }
}
