package io.github.eegstream.job;

import io.github.eegstream.dsp.WindowBuffer;

/** Per-user keyed state of {@link SampleWindower}: a Flink POJO, so no Kryo fallback. */
public final class WindowState {

    private WindowBuffer window = new WindowBuffer();
    private double lastTimestamp;
    private long lastArrivalMillis;
    private long timerAtMillis;

    public WindowBuffer getWindow() {
        return window;
    }

    public void setWindow(WindowBuffer window) {
        this.window = window;
    }

    public double getLastTimestamp() {
        return lastTimestamp;
    }

    public void setLastTimestamp(double lastTimestamp) {
        this.lastTimestamp = lastTimestamp;
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
