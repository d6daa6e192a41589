package io.github.eegstream.dsp;

import io.github.eegstream.wire.SampleBuffer;

/**
 * The windowing state of one stream: its recent samples and where the next time window starts.
 * A Flink POJO (no-argument constructor, bean accessors), so the job keeps it in keyed state.
 */
public final class WindowBuffer {

    private SampleBuffer samples = new SampleBuffer();
    /** Start of the next window in seconds, for windows measured in time; NaN until the first sample. */
    private double windowStart = Double.NaN;

    public SampleBuffer getSamples() {
        return samples;
    }

    public void setSamples(SampleBuffer samples) {
        this.samples = samples;
    }

    public double getWindowStart() {
        return windowStart;
    }

    public void setWindowStart(double windowStart) {
        this.windowStart = windowStart;
    }
}
