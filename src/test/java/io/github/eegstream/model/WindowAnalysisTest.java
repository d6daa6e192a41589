package io.github.eegstream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.dsp.WindowBuffer;
import io.github.eegstream.dsp.Windowing;
import io.github.eegstream.spec.JobSpec;
import io.github.eegstream.spec.JobSpecs;
import io.github.eegstream.sim.SimulatedEeg;
import io.github.eegstream.wire.Alert;
import io.github.eegstream.wire.RawSamples;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** The per-window analysis over simulated sessions, as the job and `eeg features` run it. */
class WindowAnalysisTest {

    private static final double RATE = 256;

    /** A simulated session fed through the default spec's windows and analysis, second by second. */
    private static final class Session {
        final JobSpec spec = JobSpecs.load("default");
        final SimulatedEeg eeg = new SimulatedEeg(8, RATE, 11);
        final Windowing windowing = spec.window().windowing();
        final WindowBuffer buffer = new WindowBuffer();
        final UserState user = new UserState();
        final WindowAnalysis analysis = new WindowAnalysis(spec.analysis());
        final List<WindowAnalysis.Result> results = new ArrayList<>();
        long sample;

        /** Runs {@code seconds} of EEG after applying {@code change} to the simulator. */
        List<WindowAnalysis.Result> run(double seconds, Consumer<SimulatedEeg> change) {
            change.accept(eeg);
            List<WindowAnalysis.Result> out = new ArrayList<>();
            int n = (int) (seconds * RATE);
            double[] row = new double[8];
            for (int s = 0; s < n; s += 32) {
                int k = Math.min(32, n - s);
                double[] ts = new double[k];
                double[] values = new double[k * 8];
                for (int i = 0; i < k; i++, sample++) {
                    ts[i] = 1_000 + sample / RATE;
                    eeg.next(row);
                    System.arraycopy(row, 0, values, i * 8, 8);
                }
                windowing.add(buffer, new RawSamples(eeg.channels(), ts, values, RATE),
                        w -> out.add(analysis.analyze(w, false, user)));
            }
            results.addAll(out);
            return out;
        }
    }

    private static List<Alert> alerts(List<WindowAnalysis.Result> results, String type) {
        return results.stream().flatMap(r -> r.alerts().stream()).filter(a -> a.alertType().equals(type)).toList();
    }

    @Test
    void highWorkloadRaisesItsAlertOnceAndOnlyWhenItIsHigh() {
        Session s = new Session();
        List<WindowAnalysis.Result> relaxed = s.run(60, eeg -> eeg.setWorkload(0.1));
        assertEquals(List.of(), alerts(relaxed, "high_workload"));
        List<WindowAnalysis.Result> loaded = s.run(30, eeg -> eeg.setWorkload(1.0));
        List<Alert> raised = alerts(loaded, "high_workload");
        assertEquals(1, raised.size(), "raised once, not every window: " + raised);
        assertEquals("raised", raised.get(0).state());
        double before = ((Number) relaxed.get(relaxed.size() - 1).prediction().data().get("workload")).doubleValue();
        double after = ((Number) loaded.get(loaded.size() - 1).prediction().data().get("workload")).doubleValue();
        assertTrue(after > 0.8 && before < 0.6, "calibrated workload " + before + " -> " + after);
    }

    @Test
    void aDetachedElectrodeLowersItsQualityAndTheConfidenceAndRaisesOneSignalAlertUntilReattached() {
        Session s = new Session();
        WindowAnalysis.Result good = last(s.run(10, eeg -> {}));
        assertEquals(1.0, good.prediction().confidence());
        assertEquals(List.of(), alerts(s.results, "bad_channel"));

        List<WindowAnalysis.Result> detached = s.run(10, eeg -> eeg.setDetached(List.of("F3")));
        WindowAnalysis.Result bad = last(detached);
        int f3 = bad.features().channels().indexOf("F3");
        assertEquals(0.0, bad.features().quality()[f3]);
        assertEquals("flat", bad.features().qualityProblems().get(f3));
        assertEquals(7.0 / 8, bad.prediction().confidence(), 1e-12);
        List<Alert> raised = alerts(detached, "bad_channel");
        assertEquals(1, raised.size(), raised.toString());
        assertEquals(Map.of("F3", "flat"), raised.get(0).data().get("channels"));
        assertTrue(raised.get(0).message().contains("F3: flat"), raised.get(0).message());

        List<WindowAnalysis.Result> reattached = s.run(10, eeg -> eeg.setDetached(List.of()));
        List<Alert> cleared = alerts(reattached, "bad_channel");
        assertEquals(1, cleared.size());
        assertEquals("cleared", cleared.get(0).state());
        assertEquals(1.0, last(reattached).prediction().confidence());
    }

    @Test
    void noUsableChannelGivesAnAlertInsteadOfAPrediction() {
        Session s = new Session();
        s.run(4, eeg -> {});
        List<WindowAnalysis.Result> dead = s.run(4, eeg -> eeg.setRailed(List.of(eeg.channels())));
        WindowAnalysis.Result r = last(dead);
        assertNull(r.prediction());
        assertEquals(List.of(0.0, 0.0), List.of(r.features().quality()[0], r.features().confidence()));
        assertEquals(1, alerts(dead, "no_usable_signal").size());
        assertEquals("critical", alerts(dead, "no_usable_signal").get(0).severity());
    }

    @Test
    void aStalledStreamIsAlertedOnceAndClearedWhenSamplesReturn() {
        Session s = new Session();
        s.run(3, eeg -> {});
        List<Alert> stalled = s.analysis.streamStalled(s.user, 1_003, 5);
        assertEquals("raised", stalled.get(0).state());
        assertEquals(List.of(), s.analysis.streamStalled(s.user, 1_003, 5), "raised once");
        List<Alert> back = alerts(s.run(3, eeg -> {}), "stream_stalled");
        assertEquals(1, back.size());
        assertEquals("cleared", back.get(0).state());
    }

    @Test
    void calibrationIsFlinkStateThatSurvivesSerialization() throws Exception {
        TypeInformation<UserState> type = TypeInformation.of(UserState.class);
        assertInstanceOf(PojoTypeInfo.class, type, "a POJO, never Kryo");
        Session s = new Session();
        s.run(30, eeg -> eeg.setWorkload(0.5));
        TypeSerializer<UserState> serializer = type.createSerializer(new ExecutionConfig().getSerializerConfig());
        DataOutputSerializer out = new DataOutputSerializer(1024);
        serializer.serialize(s.user, out);
        UserState restored = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertEquals(s.user.getCalibration().windowsSeen(), restored.getCalibration().windowsSeen());
        assertTrue(restored.getCalibration().windowsSeen() > 50);
        // Identical state gives identical predictions.
        RawSamples w = s.results.get(10).features() == null ? null : window(s);
        Map<String, Object> a = new WindowAnalysis(s.spec.analysis()).analyze(w, false, s.user).prediction().data();
        Map<String, Object> b = new WindowAnalysis(s.spec.analysis()).analyze(w, false, restored).prediction().data();
        assertEquals(a, b);
        assertFalse(a.isEmpty());
    }

    private static RawSamples window(Session s) {
        SimulatedEeg eeg = new SimulatedEeg(8, RATE, 99);
        double[] ts = new double[512];
        double[] values = new double[512 * 8];
        double[] row = new double[8];
        for (int i = 0; i < 512; i++) {
            ts[i] = i / RATE;
            eeg.next(row);
            System.arraycopy(row, 0, values, i * 8, 8);
        }
        return new RawSamples(eeg.channels(), ts, values, RATE);
    }

    private static WindowAnalysis.Result last(List<WindowAnalysis.Result> results) {
        return results.get(results.size() - 1);
    }
}
