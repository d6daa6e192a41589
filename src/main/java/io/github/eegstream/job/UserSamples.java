package io.github.eegstream.job;

import io.github.eegstream.wire.RawSamples;

/**
 * Samples received on {@code user:{userId}:raw}, or news that some never will be.
 *
 * @param samples the samples; null for a {@link #lost} notice
 * @param arrivedMillis when the source received them (wall clock), or 0 if unknown
 * @param lost in durable mode, entries of the user's stream that were trimmed before the job read
 *     them (its retention ran out while the job was down or behind); null otherwise
 */
public record UserSamples(String userId, RawSamples samples, long arrivedMillis, Lost lost) {

    public UserSamples(String userId, RawSamples samples) {
        this(userId, samples, 0, null);
    }

    public UserSamples(String userId, RawSamples samples, long arrivedMillis) {
        this(userId, samples, arrivedMillis, null);
    }

    /** A notice that the stream lost the entries after {@code lastReadId} up to {@code firstRetainedId}. */
    static UserSamples lost(String userId, Lost lost) {
        return new UserSamples(userId, null, 0, lost);
    }

    /**
     * Entries trimmed from a durable stream before they were read: those after the last entry read
     * and before the first one still there, spanning {@code fromMillis} to {@code toMillis} (the
     * entries' ids, epoch milliseconds).
     */
    public record Lost(String lastReadId, String firstRetainedId, long fromMillis, long toMillis) {}
}
