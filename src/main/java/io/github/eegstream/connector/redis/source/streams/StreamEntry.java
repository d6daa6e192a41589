package io.github.eegstream.connector.redis.source.streams;

/**
 * One entry read from a Redis Stream: its key, its id and the wire message it carries; or, with
 * {@code lost}, the news that entries after the last one read were trimmed before they were read
 * (then {@code id} is the last trimmed entry's, where reading goes on, and there is no payload).
 *
 * @param length the message's size in Redis; if {@code tooLarge}, {@code payload} is only its prefix
 */
record StreamEntry(String key, String id, byte[] payload, int length, boolean tooLarge, Lost lost) {

    StreamEntry(String key, String id, byte[] payload, int length, boolean tooLarge) {
        this(key, id, payload, length, tooLarge, null);
    }

    static StreamEntry lost(String key, String lastReadId, String lastTrimmedId, String firstRetainedId) {
        return new StreamEntry(key, lastTrimmedId, null, 0, false, new Lost(lastReadId, firstRetainedId));
    }

    /** What was lost: the entries after {@code lastReadId} and before {@code firstRetainedId}. */
    record Lost(String lastReadId, String firstRetainedId) {}
}
