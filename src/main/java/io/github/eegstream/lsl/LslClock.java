package io.github.eegstream.lsl;

/**
 * The clock LSL stamps samples with: a monotonic clock in seconds. Java's {@link System#nanoTime()}
 * reads CLOCK_MONOTONIC on Linux, as liblsl's {@code lsl_local_clock()} does, so on one host the two
 * agree and time correction is about zero.
 */
public final class LslClock {

    private LslClock() {}

    public static double now() {
        return System.nanoTime() / 1e9;
    }

    /**
     * Seconds to add to this clock's readings to get Unix time (seconds since the epoch), read now
     * with the wall clock's full (microsecond) resolution.
     */
    public static double toUnixOffset() {
        java.time.Instant wall = java.time.Instant.now();
        double mono = now();
        return wall.getEpochSecond() + wall.getNano() / 1e9 - mono;
    }
}
