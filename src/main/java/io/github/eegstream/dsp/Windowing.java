package io.github.eegstream.dsp;

import io.github.eegstream.wire.RawSamples;
import io.github.eegstream.wire.SampleBuffer;
import java.io.Serializable;
import java.util.function.Consumer;

/**
 * Cuts a stream of samples into windows of {@code size}, one every {@code hop}, counted in samples
 * or measured by the samples' own timestamps. The same code windows the job's streams and the
 * offline {@code eeg features} command's recordings.
 *
 * <p>Windows count samples, not messages, so per-sample messages and chunks of any size give the
 * same windows. A time window [start, start + size) is complete once a sample at or after its end
 * has arrived; after a gap the next window starts at the next sample, so there are no empty ones.
 */
public final class Windowing implements Serializable {

    private final Length size;
    private final Length hop;

    public Windowing(Length size, Length hop) {
        if (size.unit() != hop.unit()) {
            throw new IllegalArgumentException("window size and hop must both be in samples or both in seconds (size "
                    + size + ", hop " + hop + ")");
        }
        if (hop.amount() > size.amount()) {
            throw new IllegalArgumentException("window hop " + hop + " is longer than its size " + size
                    + "; samples between windows would be skipped");
        }
        this.size = size;
        this.hop = hop;
    }

    /**
     * Adds samples to a stream's state and emits every window they complete.
     *
     * @return true if the stream's channel layout changed, so earlier samples were discarded
     */
    public boolean add(WindowBuffer state, RawSamples samples, Consumer<RawSamples> windows) {
        SampleBuffer buffer = state.getSamples();
        boolean reset = buffer.append(samples);
        if (reset) {
            state.setWindowStart(Double.NaN);
        }
        if (size.unit() == Length.Unit.SAMPLES) {
            int n = size.sampleCount();
            while (buffer.size() >= n) {
                windows.accept(buffer.take(n));
                buffer.drop(hop.sampleCount());
            }
        } else {
            emitTimeWindows(state, windows);
        }
        return reset;
    }

    /**
     * Emits the time windows the buffer completes. Work is bounded by the samples buffered, whatever
     * their timestamps: each pass either leaves the loop or moves the window's start forward by a
     * hop; a start that a hop cannot move (timestamps so large that {@code start + hop == start})
     * or that would only cover empty windows jumps to the first sample left.
     */
    private void emitTimeWindows(WindowBuffer state, Consumer<RawSamples> windows) {
        SampleBuffer buffer = state.getSamples();
        if (buffer.isEmpty()) {
            return;
        }
        double length = size.amount();
        double step = hop.amount();
        if (Double.isNaN(state.getWindowStart())) {
            state.setWindowStart(buffer.timestampAt(0));
        }
        while (!buffer.isEmpty()) {
            double start = state.getWindowStart();
            double end = start + length;
            if (!(buffer.timestampAt(buffer.size() - 1) >= end)) {
                return; // the window is not complete yet
            }
            int inWindow = countBefore(buffer, end);
            if (inWindow > 0) {
                windows.accept(buffer.take(inWindow));
            }
            double next = start + step;
            if (!(next > start)) { // the hop is below this magnitude's precision: start over at the next sample
                buffer.drop(Math.max(1, inWindow));
                if (buffer.isEmpty()) {
                    state.setWindowStart(Double.NaN);
                    return;
                }
                state.setWindowStart(buffer.timestampAt(0));
                continue;
            }
            buffer.drop(countBefore(buffer, next));
            // After a gap the next window starts at the next sample, not in the empty stretch before it.
            state.setWindowStart(!buffer.isEmpty() && buffer.timestampAt(0) >= next + length ? buffer.timestampAt(0) : next);
        }
        state.setWindowStart(Double.NaN);
    }

    /**
     * What is left when a stream ends or stalls: the buffered samples if they fill at least half a
     * window, else null.
     */
    public RawSamples remainder(WindowBuffer state) {
        SampleBuffer buffer = state.getSamples();
        if (buffer.isEmpty()) {
            return null;
        }
        boolean halfFull = size.unit() == Length.Unit.SAMPLES
                ? buffer.size() * 2 >= size.sampleCount()
                : (buffer.timestampAt(buffer.size() - 1) - buffer.timestampAt(0)) * 2 >= size.amount();
        return halfFull ? buffer.take(buffer.size()) : null;
    }

    /**
     * The most samples a stream's buffer holds: twice a window (in time, at {@code maxRate}), and
     * no more than {@link #MAX_BUFFERED_VALUES} values. A stream that would buffer more (its
     * timestamps do not complete windows) loses its oldest samples: see {@link #trim}.
     */
    public int maxBufferedSamples(double maxRate, int channels) {
        double samples = size.unit() == Length.Unit.SAMPLES ? 2.0 * size.sampleCount() : 2 * size.amount() * maxRate;
        return (int) Math.max(1, Math.min(samples, MAX_BUFFERED_VALUES / Math.max(1, channels)));
    }

    /** Drops the oldest samples beyond {@link #maxBufferedSamples}; returns how many. */
    public int trim(WindowBuffer state, double maxRate) {
        SampleBuffer buffer = state.getSamples();
        int excess = buffer.size() - maxBufferedSamples(maxRate, buffer.getChannels().length);
        if (excess <= 0) {
            return 0;
        }
        buffer.drop(excess);
        return excess;
    }

    /** 32 MiB of doubles: a stream's window buffer never holds more. */
    public static final int MAX_BUFFERED_VALUES = 4 << 20;

    /** Samples stamped before {@code time}; timestamps in a buffer increase, so a binary search. */
    private static int countBefore(SampleBuffer buffer, double time) {
        int lo = 0;
        int hi = buffer.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (buffer.timestampAt(mid) < time) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
