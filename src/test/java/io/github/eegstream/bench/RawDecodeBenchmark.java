package io.github.eegstream.bench;

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

/**
 * Decoding raw messages as the job's source does ({@link WireCodec#decodeRaw}): a 32-sample,
 * 8-channel chunk and a single 8-channel sample, both as relays encode them.
 * {@code ./mvnw -q test-compile exec:exec@jmh -Djmh.args=RawDecode}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RawDecodeBenchmark {

    private WireCodec codec;
    private byte[] chunk;
    private byte[] sample;

    @Setup
    public void setup() {
        codec = new WireCodec();
        SimulatedEeg eeg = new SimulatedEeg(8, 256, 1);
        double[] ts = new double[32];
        double[] values = new double[32 * 8];
        double[] row = new double[8];
        for (int i = 0; i < 32; i++) {
            ts[i] = 1_795_000_000 + i / 256.0;
            eeg.next(row);
            System.arraycopy(row, 0, values, i * 8, 8);
        }
        chunk = codec.encode(new RawSamples(eeg.channels(), ts, values, 256));
        sample = codec.encode(RawSamples.single(ts[0], eeg.channels(), row));
    }

    @Benchmark
    public RawSamples chunkOf32() {
        return codec.decodeRaw(chunk);
    }

    @Benchmark
    public RawSamples singleSample() {
        return codec.decodeRaw(sample);
    }
}
