package io.github.eegstream.wire;

/**
 * Sample timestamps are seconds; devices that count in epoch milliseconds, microseconds or
 * nanoseconds are recognised by magnitude and converted.
 *
 * <p>Seconds of any clock a relay uses lie below 10^10: Unix time until the year 2286, or an LSL
 * clock (seconds since its host booted) for 300 years. A Unix clock in milliseconds has been above
 * 10^10 since 1970-04, in microseconds above 10^13 and in nanoseconds above 10^16 (both since
 * 1970-04 too), so the four ranges [0, 10^10), [10^10, 10^13), [10^13, 10^16) and [10^16, 10^19)
 * tell the units apart without overlap. Anything else (negative, or 10^19 and above) cannot be a
 * sample time and is rejected ({@link RejectReason#TIMESTAMP_OUT_OF_RANGE}).
 */
public final class Timestamps {

    /** Seconds are below this; also the upper end of every converted timestamp. */
    public static final double MAX_SECONDS = 1e10;

    private Timestamps() {}

    /** {@code t} in seconds: as it is, or converted from epoch ms, µs or ns. */
    public static double toSeconds(double t) {
        if (t >= 0 && t < MAX_SECONDS) {
            return t;
        }
        if (t >= 1e10 && t < 1e13) {
            return t / 1e3;
        }
        if (t >= 1e13 && t < 1e16) {
            return t / 1e6;
        }
        if (t >= 1e16 && t < 1e19) {
            return t / 1e9;
        }
        throw new WireException(RejectReason.TIMESTAMP_OUT_OF_RANGE, "timestamp " + t
                + " is neither seconds (0 to 1e10) nor epoch milliseconds, microseconds or nanoseconds");
    }

    /**
     * The timestamps in seconds (see {@link #toSeconds}): the same array if all are seconds already
     * (one comparison each), else a converted copy, so that no caller's array is changed.
     */
    static double[] inSeconds(double[] timestamps) {
        double[] out = timestamps;
        for (int i = 0; i < timestamps.length; i++) {
            double t = timestamps[i];
            if (!(t >= 0 && t < MAX_SECONDS)) {
                if (out == timestamps) {
                    out = timestamps.clone();
                }
                out[i] = toSeconds(t);
            }
        }
        return out;
    }
}
