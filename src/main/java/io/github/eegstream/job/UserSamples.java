package io.github.eegstream.job;

import io.github.eegstream.wire.RawSamples;

/**
 * Samples received on {@code user:{userId}:raw}.
 *
 * @param arrivedMillis when the source received them (wall clock), or 0 if unknown
 */
public record UserSamples(String userId, RawSamples samples, long arrivedMillis) {

    public UserSamples(String userId, RawSamples samples) {
        this(userId, samples, 0);
    }
}
