package io.github.eegstream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.eegstream.spec.JobSpec;
import io.github.eegstream.spec.JobSpecs;
import io.github.eegstream.sim.SimulatedEeg;
import io.github.eegstream.wire.RawSamples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example model (examples/models/train_workload_model.py) run by ONNX Runtime from Java. */
class OnnxModelTest {

    private static final Path MODEL = Path.of("examples", "models", "workload-logreg.onnx");

    @TempDir
    Path dir;

    @Test
    void reproducesScikitLearnsOutputs() throws Exception {
        JsonNode ref = new ObjectMapper().readTree(getClass().getResourceAsStream("/reference/onnx-reference.json"));
        try (OnnxModel model = OnnxModel.load(MODEL)) {
            assertEquals(List.of("rel_theta_mean", "rel_alpha_mean", "rel_beta_mean", "workload"), model.featureNames());
            assertEquals("onnx:workload-logreg.onnx", model.name());
            JsonNode inputs = ref.get("inputs");
            assertTrue(inputs.size() >= 10);
            for (int i = 0; i < inputs.size(); i++) {
                float[] x = new float[inputs.get(i).size()];
                for (int k = 0; k < x.length; k++) {
                    x[k] = (float) inputs.get(i).get(k).asDouble();
                }
                double expected = ref.get("high_workload").get(i).asDouble();
                double got = (Double) model.run(x).get("high_workload");
                assertEquals(expected, got, 1e-5, "input " + i);
            }
        }
    }

    @Test
    void tellsHighFromLowWorkloadOnTheJavaSimulatorsWindows() {
        JobSpec spec = JobSpecs.load("onnx-workload");
        try (WindowAnalysis analysis = new WindowAnalysis(spec.analysis())) {
            double low = highWorkload(analysis, 0.1);
            double high = highWorkload(analysis, 0.9);
            assertTrue(low < 0.2 && high > 0.8, "P(high workload): relaxed " + low + ", loaded " + high);
        }
    }

    private static double highWorkload(WindowAnalysis analysis, double workload) {
        SimulatedEeg eeg = new SimulatedEeg(8, 256, 3);
        eeg.setWorkload(workload);
        int n = 512;
        double[] ts = new double[n];
        double[] values = new double[n * 8];
        double[] row = new double[8];
        for (int i = 0; i < n; i++) {
            ts[i] = i / 256.0;
            eeg.next(row);
            System.arraycopy(row, 0, values, i * 8, 8);
        }
        WindowAnalysis.Result r = analysis.analyze(new RawSamples(eeg.channels(), ts, values, 256), false, new UserState());
        assertEquals("onnx:workload-logreg.onnx", r.prediction().model());
        return ((Number) r.prediction().data().get("high_workload")).doubleValue();
    }

    @Test
    void aMissingOrUnfitModelIsAClearErrorWhenTheJobStarts() throws Exception {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> PredictionModels.create("onnx:no/such/model.onnx", null));
        assertTrue(missing.getMessage().contains("ONNX model") && missing.getMessage().contains("not found"),
                missing.getMessage());

        Path garbage = dir.resolve("garbage.onnx");
        Files.write(garbage, new byte[] {1, 2, 3, 4});
        IllegalArgumentException unreadable = assertThrows(IllegalArgumentException.class,
                () -> PredictionModels.create("onnx:" + garbage, null));
        assertTrue(unreadable.getMessage().startsWith("cannot load ONNX model"), unreadable.getMessage());

        Path spec = dir.resolve("spec.yaml");
        Files.writeString(spec, "model:\n  name: onnx:" + dir.resolve("absent.onnx") + "\n");
        IllegalArgumentException atLoad = assertThrows(IllegalArgumentException.class, () -> JobSpecs.load(spec.toString()));
        assertTrue(atLoad.getMessage().contains("not found"), atLoad.getMessage());

        assertThrows(IllegalArgumentException.class, () -> PredictionModels.create("sklearn:model.pkl", null));
    }

    @Test
    void aWindowWithoutTheModelsFeaturesSaysWhichIsMissing() {
        try (OnnxModel model = OnnxModel.load(MODEL)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.predict(Map.of("rel_theta_mean", 0.2), Map.of()));
            assertTrue(e.getMessage().contains("needs feature 'rel_alpha_mean'"), e.getMessage());
        }
    }
}
