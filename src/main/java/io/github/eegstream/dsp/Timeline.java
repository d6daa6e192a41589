package io.github.eegstream.dsp;

import io.github.eegstream.wire.RawSamples;
import java.io.Serializable;
import java.util.Arrays;

/**
 * Follows one stream's timestamps sample by sample and says what each sample is: the next one, a
 * repeat, the first after a gap, or the first after the clock jumped. Work is one comparison per
 * sample, whatever the timestamps.
 *
 * <ul>
 *   <li>A sample stamped at or before the latest, by no more than {@code jumpSeconds}, is a
 *       repeat (a relay sends its last second again after an outage) and is dropped; so is one
 *       less than a microsecond after it (no stream samples faster than {@link RawSamples#MAX_RATE}).
 *   <li>One stamped more than {@code jumpSeconds} before the latest is a jump back: the device's
 *       clock was reset or stepped. A new segment of the timeline starts at it.
 *   <li>One stamped more than {@code jumpSeconds} after the latest is a jump forward if it is ahead
 *       of the time that passed since the previous message by that much too (the clock raced
 *       ahead); otherwise, like any step longer than {@code gapSeconds}, samples are missing.
 *       Without a measure of elapsed time (replaying a durable stream), a forward step is a gap.
 *   <li>After the stream stalled, its next later sample resumes it: neither a gap nor a jump.
 * </ul>
 */
public final class Timeline implements Serializable {

    /** Closer than this to the latest sample is a repeat: one sample at {@link RawSamples#MAX_RATE}. */
    static final double MIN_STEP = 1 / RawSamples.MAX_RATE;

    private final double jumpSeconds;
    private final double gapSeconds;

    /** What the samples of a message turn out to be, in their order. */
    public interface Events {
        /** Consecutive samples that continue the timeline. */
        void samples(RawSamples run);

        /** Samples dropped as repeats. */
        void repeats(int count);

        /** Samples are missing between {@code from} and {@code to}. */
        void gap(double from, double to);

        /** The clock jumped from {@code from} to {@code to}; a new segment starts at {@code to}. */
        void jump(double from, double to);
    }

    public Timeline(double jumpSeconds, double gapSeconds) {
        if (!(jumpSeconds > 0) || !(gapSeconds > 0)) {
            throw new IllegalArgumentException("the clock-jump and gap limits must be positive");
        }
        this.jumpSeconds = jumpSeconds;
        this.gapSeconds = gapSeconds;
    }

    /**
     * Classifies the samples of one message against the stream's state, and moves the state on.
     *
     * @param elapsedSeconds time since the stream's previous message arrived, or NaN if unknown
     */
    public void accept(TimelineState state, RawSamples in, double elapsedSeconds, Events events) {
        double[] ts = in.timestamps();
        double last = state.getLast();
        double elapsed = elapsedSeconds;
        int runStart = 0;
        for (int i = 0; i < ts.length; i++) {
            double t = ts[i];
            if (Double.isNaN(last)) {
                last = t;
                continue;
            }
            double step = t - last;
            // A repeat, also after a stall (a relay back from an outage); closer than one sample at the
            // highest rate there is counts as one too, so that no stream packs unbounded samples into a window.
            if (step < MIN_STEP && -step <= jumpSeconds) {
                emit(in, runStart, i, events);
                runStart = i + 1;
                events.repeats(1);
                continue;
            }
            if (state.isStalled() && step > 0) { // the stream resumes
                state.setStalled(false);
                last = t;
                elapsed = 0;
                continue;
            }
            state.setStalled(false);
            boolean jumped = step < 0 || (step > jumpSeconds && !Double.isNaN(elapsed) && step > elapsed + jumpSeconds);
            if (jumped || step > gapSeconds) {
                emit(in, runStart, i, events);
                runStart = i;
                if (jumped) {
                    events.jump(last, t);
                } else {
                    events.gap(last, t);
                }
            }
            last = t;
            elapsed = 0; // samples of one message arrived together
        }
        emit(in, runStart, ts.length, events);
        state.setLast(last);
    }

    private static void emit(RawSamples in, int from, int to, Events events) {
        if (to <= from) {
            return;
        }
        if (from == 0 && to == in.sampleCount()) {
            events.samples(in);
            return;
        }
        int width = in.channelCount();
        events.samples(new RawSamples(in.channels(), Arrays.copyOfRange(in.timestamps(), from, to),
                Arrays.copyOfRange(in.values(), from * width, to * width), in.rate()));
    }
}
