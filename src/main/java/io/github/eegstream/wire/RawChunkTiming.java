package io.github.eegstream.wire;

/**
 * The timestamp of sample {@code i} of a chunk sent as {@code t0} and {@code rate}. Encoder and
 * decoder share this one formula, so a chunk is sent as {@code t0}/{@code rate} only when that
 * reproduces every timestamp exactly.
 */
final class RawChunkTiming {

    private RawChunkTiming() {}

    static double timestamp(double t0, double rate, int i) {
        // t0 in ms, µs or ns is converted first: adding i / rate seconds to nanoseconds would be lost
        return Timestamps.toSeconds(t0) + i / rate;
    }

    static boolean isRegular(double[] timestamps, double rate) {
        if (!(rate > 0)) {
            return false;
        }
        for (int i = 0; i < timestamps.length; i++) {
            if (timestamps[i] != timestamp(timestamps[0], rate, i)) {
                return false;
            }
        }
        return true;
    }
}
