package io.github.eegstream.job;

import io.github.eegstream.dsp.TimelineState;
import io.github.eegstream.dsp.WindowBuffer;

/**
 * Per-user keyed state of {@link SampleWindower}, written by {@link WindowStateSerializer} (which
 * must write every field added here; its test fails otherwise). The window
 * buffer is emptied when the user stalls; the timeline and admission outlive it (for
 * {@code state.user-ttl}), so samples sent again after a long outage are still repeats.
 */
public final class WindowState {

    private WindowBuffer window = new WindowBuffer();
    private TimelineState timeline = new TimelineState();
    private Admission admission = new Admission();
    private boolean active;
    private long lastArrivalMillis;
    private long lastReceivedMillis;
    private long timerAtMillis;

    public WindowBuffer getWindow() {
        return window;
    }

    public void setWindow(WindowBuffer window) {
        this.window = window;
    }

    public TimelineState getTimeline() {
        return timeline;
    }

    public void setTimeline(TimelineState timeline) {
        this.timeline = timeline;
    }

    public Admission getAdmission() {
        return admission;
    }

    public void setAdmission(Admission admission) {
        this.admission = admission;
    }

    /** True from the user's first sample until it stalls. */
    public boolean isActive() {
        return active;
    }

    public void setActive(boolean active) {
        this.active = active;
    }

    public long getLastArrivalMillis() {
        return lastArrivalMillis;
    }

    public void setLastArrivalMillis(long lastArrivalMillis) {
        this.lastArrivalMillis = lastArrivalMillis;
    }

    /** When the reader received the user's latest message (wall clock), for telling gaps from clock jumps. */
    public long getLastReceivedMillis() {
        return lastReceivedMillis;
    }

    public void setLastReceivedMillis(long lastReceivedMillis) {
        this.lastReceivedMillis = lastReceivedMillis;
    }

    public long getTimerAtMillis() {
        return timerAtMillis;
    }

    public void setTimerAtMillis(long timerAtMillis) {
        this.timerAtMillis = timerAtMillis;
    }
}
