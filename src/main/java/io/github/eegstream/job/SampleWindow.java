package io.github.eegstream.job;

import io.github.eegstream.wire.RawSamples;

/**
 * One window of a user's samples, ready for features and a model.
 *
 * @param partial true if cut short because the user's stream stalled
 */
public record SampleWindow(String userId, RawSamples samples, boolean partial) {}
