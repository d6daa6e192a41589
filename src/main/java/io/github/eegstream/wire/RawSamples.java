package io.github.eegstream.wire;

import java.util.Arrays;

/**
 * One or more EEG samples of one stream: the seed's per-sample {@code raw} message or a
 * {@code raw_chunk}.
 *
 * <p>Arrays are shared, not copied (this type is on the hot path): treat them as read-only.
 *
 * @param channels channel names, in column order
 * @param timestamps one per sample, in seconds (Unix time, or the LSL clock); epoch
 *     milliseconds, microseconds and nanoseconds are converted to seconds ({@link Timestamps})
 * @param values row-major, {@code timestamps.length * channels.length} values
 * @param rate nominal sampling rate in Hz, or 0 when unknown (the per-sample form carries none)
 */
public record RawSamples(String[] channels, double[] timestamps, double[] values, double rate)
        implements WireMessage {

    public static final String TYPE = "raw";
    public static final String CHUNK_TYPE = "raw_chunk";
    /** The highest sampling rate accepted, in Hz: far above any EEG amplifier's. */
    public static final double MAX_RATE = 1_000_000;
    /** The most channels a stream may have: twice a 256-channel high-density cap. */
    public static final int MAX_CHANNELS = 512;

    public RawSamples {
        if (channels == null || channels.length == 0) {
            throw new WireException(RejectReason.MISSING_FIELD, "raw samples need at least one channel");
        }
        if (timestamps == null || timestamps.length == 0) {
            throw new WireException(RejectReason.MISSING_FIELD, "raw samples need at least one sample");
        }
        if (values == null || values.length != timestamps.length * channels.length) {
            throw new WireException(
                    RejectReason.WRONG_TYPE,
                    "expected " + timestamps.length + " samples x " + channels.length + " channels of values");
        }
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw new WireException(RejectReason.NON_FINITE, "rate must be a finite number >= 0");
        }
        if (rate > MAX_RATE) {
            throw new WireException(RejectReason.RATE_OUT_OF_RANGE, "rate " + rate + " Hz is above " + MAX_RATE + " Hz");
        }
        if (channels.length > MAX_CHANNELS) {
            throw new WireException(RejectReason.TOO_LARGE, channels.length + " channels: at most " + MAX_CHANNELS);
        }
        timestamps = Timestamps.inSeconds(timestamps);
    }

    /** A single sample (the seed's form). */
    public static RawSamples single(double timestamp, String[] channels, double[] values) {
        return new RawSamples(channels, new double[] {timestamp}, values, 0);
    }

    /** The samples stamped after {@code timestamp}: this if all are, null if none are. */
    public RawSamples after(double timestamp) {
        int first = 0;
        while (first < timestamps.length && timestamps[first] <= timestamp) {
            first++;
        }
        if (first == 0) {
            return this;
        }
        if (first == timestamps.length) {
            return null;
        }
        return new RawSamples(channels, java.util.Arrays.copyOfRange(timestamps, first, timestamps.length),
                java.util.Arrays.copyOfRange(values, first * channels.length, values.length), rate);
    }

    public int sampleCount() {
        return timestamps.length;
    }

    public int channelCount() {
        return channels.length;
    }

    public double value(int sample, int channel) {
        return values[sample * channels.length + channel];
    }

    /** {@code raw} for one sample, {@code raw_chunk} for more. */
    @Override
    public String type() {
        return timestamps.length == 1 ? TYPE : CHUNK_TYPE;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawSamples r
                && Arrays.equals(channels, r.channels)
                && Arrays.equals(timestamps, r.timestamps)
                && Arrays.equals(values, r.values)
                && Double.compare(rate, r.rate) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(channels) + Arrays.hashCode(timestamps)) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "RawSamples[" + timestamps.length + " samples x " + Arrays.toString(channels)
                + ", t0=" + timestamps[0] + ", rate=" + rate + "]";
    }
}
