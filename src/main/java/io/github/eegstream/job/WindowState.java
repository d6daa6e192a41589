package io.github.eegstream.job;

import io.github.eegstream.wire.SampleBuffer;

/** Per-user keyed state of {@link SampleWindower}: a Flink POJO, so no Kryo fallback. */
public final class WindowState {

    private SampleBuffer buffer = new SampleBuffer();
    /** Start of the next window in seconds, for windows measured in time; NaN until the first sample. */
    private double windowStart = Double.NaN;
    private long lastArrivalMillis;
    private long timerAtMillis;

    public SampleBuffer getBuffer() {
        return buffer;
    }

    public void setBuffer(SampleBuffer buffer) {
        this.buffer = buffer;
    }

    public double getWindowStart() {
        return windowStart;
    }

    public void setWindowStart(double windowStart) {
        this.windowStart = windowStart;
    }

    public long getLastArrivalMillis() {
        return lastArrivalMillis;
    }

    public void setLastArrivalMillis(long lastArrivalMillis) {
        this.lastArrivalMillis = lastArrivalMillis;
    }

    public long getTimerAtMillis() {
        return timerAtMillis;
    }

    public void setTimerAtMillis(long timerAtMillis) {
        this.timerAtMillis = timerAtMillis;
    }
}
