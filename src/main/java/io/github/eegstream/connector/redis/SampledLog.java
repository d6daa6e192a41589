package io.github.eegstream.connector.redis;

/**
 * Which occurrences of a repeated event are worth a log line: the first few, then one in many, so
 * that a flood of bad messages or failures is seen without filling the log. The count of every
 * occurrence belongs in a metric; the log shows samples of them.
 */
public final class SampledLog {

    /** Occurrences logged one by one. */
    public static final long FIRST = 10;
    /** After those, one in this many is logged. */
    public static final long EVERY = 1000;

    private SampledLog() {}

    /** True for the {@code n}-th occurrence (counted from 1) if it is logged: the first 10, then every 1000th. */
    public static boolean shouldLog(long n) {
        return shouldLog(n, FIRST, EVERY);
    }

    /** True for the {@code n}-th occurrence (counted from 1) if it is logged: the first {@code first}, then every {@code every}th. */
    public static boolean shouldLog(long n, long first, long every) {
        return n <= first || n % every == 0;
    }
}
