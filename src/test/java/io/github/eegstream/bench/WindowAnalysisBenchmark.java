package io.github.eegstream.bench;

import io.github.eegstream.dsp.FeatureExtractor;
import io.github.eegstream.spec.JobSpec;
import io.github.eegstream.spec.JobSpecs;
import io.github.eegstream.model.UserState;
import io.github.eegstream.model.WindowAnalysis;
import io.github.eegstream.sim.SimulatedEeg;
import io.github.eegstream.wire.RawSamples;
import io.github.eegstream.wire.WireCodec;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of one window (8 channels x 512 samples, 2 s at 256 Hz) in the job: features alone,
 * the whole analysis with the built-in model and with the example ONNX model, and encoding what
 * is published. Run: {@code ./mvnw -q test-compile exec:exec@jmh}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class WindowAnalysisBenchmark {

    private RawSamples window;
    private FeatureExtractor extractor;
    private WindowAnalysis builtin;
    private WindowAnalysis onnx;
    private UserState user;
    private WireCodec codec;
    private WindowAnalysis.Result result;

    @Setup
    public void setup() {
        SimulatedEeg eeg = new SimulatedEeg(8, 256, 1);
        double[] ts = new double[512];
        double[] values = new double[512 * 8];
        double[] row = new double[8];
        for (int i = 0; i < 512; i++) {
            ts[i] = i / 256.0;
            eeg.next(row);
            System.arraycopy(row, 0, values, i * 8, 8);
        }
        window = new RawSamples(eeg.channels(), ts, values, 256);
        JobSpec spec = JobSpecs.load("default");
        extractor = new FeatureExtractor(spec.features());
        builtin = new WindowAnalysis(spec.analysis());
        onnx = new WindowAnalysis(JobSpecs.load("onnx-workload").analysis());
        user = new UserState();
        codec = new WireCodec();
        result = builtin.analyze(window, false, user);
    }

    @TearDown
    public void tearDown() {
        builtin.close();
        onnx.close();
    }

    @Benchmark
    public Object featuresOnly() {
        return extractor.extract(window.channels(), window.values(), window.sampleCount(), 256);
    }

    @Benchmark
    public Object analysisBuiltinModel() {
        return builtin.analyze(window, false, user);
    }

    @Benchmark
    public Object analysisOnnxModel() {
        return onnx.analyze(window, false, user);
    }

    @Benchmark
    public int encodeFeaturesAndPrediction() {
        return codec.encode(result.features()).length + codec.encode(result.prediction()).length;
    }
}
