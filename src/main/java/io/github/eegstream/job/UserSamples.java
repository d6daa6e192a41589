package io.github.eegstream.job;

import io.github.eegstream.wire.RawSamples;

/** Samples received on {@code user:{userId}:raw}. */
public record UserSamples(String userId, RawSamples samples) {}
