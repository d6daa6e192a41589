package io.github.eegstream.job;

import io.github.eegstream.wire.RawSamples;

/**
 * What the windower passes on for a user: a window of samples, or news that the stream stalled
 * (possibly with the partial window it left).
 *
 * @param samples the window; null for a stall that left less than half a window
 * @param partial true if cut short because the stream stalled
 * @param stalled true if the user's stream has stalled
 * @param lastTimestamp the timestamp of the user's last sample
 * @param missingFrom if positive, samples are missing from this timestamp to {@code lastTimestamp}
 */
public record SampleWindow(String userId, RawSamples samples, boolean partial, boolean stalled, double lastTimestamp,
        double missingFrom) {

    static SampleWindow of(String userId, RawSamples window) {
        return new SampleWindow(userId, window, false, false, window.timestamps()[window.sampleCount() - 1], 0);
    }

    static SampleWindow stall(String userId, RawSamples partialWindow, double lastTimestamp) {
        return new SampleWindow(userId, partialWindow, partialWindow != null, true, lastTimestamp, 0);
    }

    static SampleWindow gap(String userId, double from, double to) {
        return new SampleWindow(userId, null, false, false, to, from);
    }
}
