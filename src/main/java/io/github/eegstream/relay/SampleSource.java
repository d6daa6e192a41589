package io.github.eegstream.relay;

import io.github.eegstream.wire.RawSamples;
import java.util.Map;

/** Where a relay's samples come from: a simulator, an LSL stream or a file. */
public interface SampleSource extends AutoCloseable {

    /** Channel names, in column order. */
    String[] channels();

    /** Nominal sampling rate in Hz, 0 if irregular. */
    double rate();

    /**
     * Blocks until at least one sample is available and returns all available samples, or
     * {@code null} when the source has ended.
     */
    RawSamples read() throws InterruptedException;

    /**
     * Applies a {@code set} command's setting (for example the simulator's {@code workload}).
     *
     * @return a description of what changed
     * @throws IllegalArgumentException if this source has no such setting or the value is invalid
     */
    default String apply(Map<String, Object> settings) {
        throw new IllegalArgumentException("this source has no settings to change");
    }

    /** A short description for the relay's screen. */
    String describe();

    @Override
    default void close() {}
}
