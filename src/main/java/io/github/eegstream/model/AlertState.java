package io.github.eegstream.model;

import java.util.Arrays;

/**
 * Where each of a user's alert rules stands: raised or not, and since when its condition has
 * held (or stopped holding). A Flink POJO kept in keyed state.
 */
public final class AlertState {

    private boolean[] raised = new boolean[0];
    private double[] holdingSince = new double[0];
    private double[] notHoldingSince = new double[0];
    private boolean stalled;
    private boolean clockJumped;
    private boolean rateExceeded;

    /** Makes room for {@code rules} rules; a different count (the spec changed) starts over. */
    void fit(int rules) {
        if (raised.length != rules) {
            raised = new boolean[rules];
            holdingSince = new double[rules];
            notHoldingSince = new double[rules];
            Arrays.fill(holdingSince, Double.NaN);
            Arrays.fill(notHoldingSince, Double.NaN);
        }
    }

    public boolean[] getRaised() {
        return raised;
    }

    public void setRaised(boolean[] raised) {
        this.raised = raised;
    }

    public double[] getHoldingSince() {
        return holdingSince;
    }

    public void setHoldingSince(double[] holdingSince) {
        this.holdingSince = holdingSince;
    }

    public double[] getNotHoldingSince() {
        return notHoldingSince;
    }

    public void setNotHoldingSince(double[] notHoldingSince) {
        this.notHoldingSince = notHoldingSince;
    }

    public boolean isStalled() {
        return stalled;
    }

    public void setStalled(boolean stalled) {
        this.stalled = stalled;
    }

    /** True while a {@code clock_jump} alert is raised: it clears with the next full window. */
    public boolean isClockJumped() {
        return clockJumped;
    }

    public void setClockJumped(boolean clockJumped) {
        this.clockJumped = clockJumped;
    }

    /** True while a {@code rate_exceeded} alert is raised. */
    public boolean isRateExceeded() {
        return rateExceeded;
    }

    public void setRateExceeded(boolean rateExceeded) {
        this.rateExceeded = rateExceeded;
    }
}
