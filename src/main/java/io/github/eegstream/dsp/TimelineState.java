package io.github.eegstream.dsp;

/**
 * Where a stream's timeline stands ({@link Timeline}): its latest accepted timestamp, and whether
 * it stalled since. A Flink POJO, kept in keyed state beyond the stream's window buffer, so that
 * what a relay sends again after a long outage is still recognised as a repeat.
 */
public final class TimelineState {

    private double last = Double.NaN;
    private boolean stalled;

    /** The latest accepted timestamp in seconds; NaN before the first sample. */
    public double getLast() {
        return last;
    }

    public void setLast(double last) {
        this.last = last;
    }

    /** True after the stream stalled: its next sample resumes it without a gap or jump. */
    public boolean isStalled() {
        return stalled;
    }

    public void setStalled(boolean stalled) {
        this.stalled = stalled;
    }
}
