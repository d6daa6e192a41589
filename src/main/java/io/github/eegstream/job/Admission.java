package io.github.eegstream.job;

import io.github.eegstream.spec.JobSpec;


/**
 * One user's admission: a token bucket of samples, refilled at the user's limit (in processing
 * time) and holding a burst of the stream's samples. A Flink POJO in the user's keyed state; the
 * decisions are {@link #admit}'s.
 */
public final class Admission {

    /** How long a user must stay within its limit before {@code rate_exceeded} clears. */
    static final long CLEAR_AFTER_MILLIS = 5_000;

    /** What becomes of a message. */
    enum Verdict {
        ADMITTED,
        /** Admitted, and the user has kept within its limit long enough to clear the alert. */
        RESTORED,
        DROPPED,
        /** Dropped, the first since the user kept within its limit: raise the alert. */
        EXCEEDED
    }

    private double tokens = Double.NaN;
    private long refilledAtMillis;
    private double streamRate;
    private boolean limited;
    private long lastDropMillis;

    /**
     * Admits a message of {@code samples} samples, or not.
     *
     * @param rate the stream's rate in Hz (declared, or measured from its timestamps); 0 if unknown
     */
    Verdict admit(int samples, double rate, JobSpec.Admission spec, long nowMillis) {
        if (rate > 0) {
            streamRate = Math.min(rate, spec.maxRate()); // a declared or measured rate never buys more than the cap
        }
        double limit = limit(spec);
        // A burst of the stream's own samples (a relay's outage buffer); until its rate is known,
        // one second at the cap. One message always fits an empty bucket: none is refused for ever.
        double capacity = Math.max(samples, streamRate > 0 ? streamRate * (spec.burst().toMillis() / 1000.0) : limit);
        if (Double.isNaN(tokens)) {
            tokens = capacity;
        } else {
            long elapsed = Math.max(0, nowMillis - refilledAtMillis);
            tokens = Math.min(capacity, tokens + elapsed / 1000.0 * limit);
        }
        refilledAtMillis = nowMillis;
        if (tokens >= samples) {
            tokens -= samples;
            if (limited && nowMillis - lastDropMillis >= CLEAR_AFTER_MILLIS) {
                limited = false;
                return Verdict.RESTORED;
            }
            return Verdict.ADMITTED;
        }
        lastDropMillis = nowMillis;
        if (limited) {
            return Verdict.DROPPED;
        }
        limited = true;
        return Verdict.EXCEEDED;
    }

    /** The user's limit in samples per second. */
    double limit(JobSpec.Admission spec) {
        return streamRate > 0 ? Math.min(spec.maxRate(), spec.rateFactor() * streamRate) : spec.maxRate();
    }

    // Bean accessors for Flink's POJO serializer.

    public double getTokens() {
        return tokens;
    }

    public void setTokens(double tokens) {
        this.tokens = tokens;
    }

    public long getRefilledAtMillis() {
        return refilledAtMillis;
    }

    public void setRefilledAtMillis(long refilledAtMillis) {
        this.refilledAtMillis = refilledAtMillis;
    }

    public double getStreamRate() {
        return streamRate;
    }

    public void setStreamRate(double streamRate) {
        this.streamRate = streamRate;
    }

    public boolean isLimited() {
        return limited;
    }

    public void setLimited(boolean limited) {
        this.limited = limited;
    }

    public long getLastDropMillis() {
        return lastDropMillis;
    }

    public void setLastDropMillis(long lastDropMillis) {
        this.lastDropMillis = lastDropMillis;
    }
}
