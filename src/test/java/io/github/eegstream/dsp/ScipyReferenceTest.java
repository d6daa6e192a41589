package io.github.eegstream.dsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Welch PSD, band powers and the notch filter against vectors SciPy computed
 * (src/test/python/make_dsp_reference.py): tones, mixtures, noise and EEG-like signals.
 */
class ScipyReferenceTest {

    private static JsonNode reference() throws Exception {
        try (InputStream in = ScipyReferenceTest.class.getResourceAsStream("/reference/dsp-reference.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    @TestFactory
    Stream<DynamicTest> welchAndBandPowersMatchScipy() throws Exception {
        JsonNode ref = reference();
        List<Band> bands = new ArrayList<>();
        ref.get("bands").fields().forEachRemaining(e -> bands.add(new Band(e.getKey(), e.getValue().get(0).asDouble(),
                e.getValue().get(1).asDouble())));
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode v : ref.get("vectors")) {
            tests.add(DynamicTest.dynamicTest(v.get("name").asText(), () -> {
                double[] x = doubles(v.get("x"));
                double rate = v.get("rate").asDouble();
                int segment = v.get("segment").asInt();
                Welch welch = new Welch(segment, v.get("overlap").asDouble() / segment);
                double[] psd = new double[welch.binCount()];
                welch.psd(x, 0, 1, x.length, rate, psd);
                double[] expected = doubles(v.get("psd"));
                assertEquals(expected.length, psd.length);
                double peak = java.util.Arrays.stream(expected).max().orElse(1);
                for (int k = 0; k < psd.length; k++) {
                    assertEquals(expected[k], psd[k], 1e-9 * peak + 1e-12, "PSD bin " + k);
                }
                for (Band band : bands) {
                    double want = v.get("band_powers").get(band.name()).asDouble();
                    double got = FeatureExtractor.bandPower(welch, psd, rate, band);
                    assertEquals(want, got, Math.max(want * 0.01, 1e-12), band.name() + " power");
                }
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> notchMatchesScipyFiltfilt() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode v : reference().get("vectors")) {
            JsonNode notch = v.get("notch");
            if (notch == null) {
                continue;
            }
            tests.add(DynamicTest.dynamicTest(v.get("name").asText(), () -> {
                double[] x = doubles(v.get("x"));
                // Filter the signal as column 1 of a 3-column window, to test the strided access too.
                double[] window = new double[x.length * 3];
                for (int i = 0; i < x.length; i++) {
                    window[3 * i + 1] = x[i];
                    window[3 * i] = Double.NaN;
                }
                new NotchFilter(notch.get("frequency").asDouble(), notch.get("quality").asDouble(), v.get("rate").asDouble())
                        .apply(window, 1, 3, x.length);
                double[] expected = doubles(notch.get("y"));
                for (int i = 0; i < x.length; i++) {
                    assertEquals(expected[i], window[3 * i + 1], 1e-9, "sample " + i);
                    assertTrue(Double.isNaN(window[3 * i]), "other columns untouched");
                }
            }));
        }
        assertTrue(tests.size() >= 10);
        return tests.stream();
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }
}
