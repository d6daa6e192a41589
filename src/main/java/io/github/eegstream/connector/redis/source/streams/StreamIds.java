package io.github.eegstream.connector.redis.source.streams;

/** Redis Stream entry ids ({@code <ms>-<seq>}), compared as Redis orders them. */
final class StreamIds {

    private StreamIds() {}

    /** Negative, zero or positive as {@code a} is before, equal to or after {@code b}. */
    static int compare(String a, String b) {
        int c = Long.compareUnsigned(millis(a), millis(b));
        return c != 0 ? c : Long.compareUnsigned(sequence(a), sequence(b));
    }

    static String later(String a, String b) {
        return a == null ? b : b == null ? a : compare(a, b) >= 0 ? a : b;
    }

    /** The id just before {@code id}: nothing can lie between them. */
    static String predecessor(String id) {
        long ms = millis(id);
        long seq = sequence(id);
        if (seq != 0) {
            return Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq - 1);
        }
        return ms == 0 ? RedisStreamSplit.BEGINNING : Long.toUnsignedString(ms - 1) + "-" + Long.toUnsignedString(-1L);
    }

    /** The id's milliseconds part. */
    static long millis(String id) {
        int dash = id.indexOf('-');
        return Long.parseUnsignedLong(dash < 0 ? id : id.substring(0, dash));
    }

    private static long sequence(String id) {
        int dash = id.indexOf('-');
        return dash < 0 ? 0 : Long.parseUnsignedLong(id.substring(dash + 1));
    }
}
