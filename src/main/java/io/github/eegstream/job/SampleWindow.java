package io.github.eegstream.job;

import io.github.eegstream.wire.RawSamples;

/**
 * What the windower passes on for a user: a window of samples, or news about the user's stream.
 *
 * @param kind what this is
 * @param samples the window, for {@link Kind#WINDOW}; null otherwise
 * @param partial true if the window was cut short (the stream stalled, or its clock jumped)
 * @param from where a gap or jump starts (seconds); for {@link Kind#RATE_EXCEEDED}, the limit in samples/s
 * @param to the user's latest timestamp: where a gap or jump ends, or when the stream stalled
 */
public record SampleWindow(String userId, Kind kind, RawSamples samples, boolean partial, double from, double to) {

    /** The closed set of things the windower reports. */
    public enum Kind {
        /** A window to analyse. */
        WINDOW,
        /** The stream stalled: no samples for the stall timeout. */
        STALL,
        /** Samples are missing from {@code from} to {@code to}. */
        GAP,
        /** The clock jumped from {@code from} to {@code to}; a new timeline starts. */
        CLOCK_JUMP,
        /** Samples beyond the user's admission limit ({@code from}, samples/s) were dropped. */
        RATE_EXCEEDED,
        /** The user is within its admission limit again. */
        RATE_RESTORED,
        /**
         * Durable mode: the user's stream was trimmed before the job read entries from
         * {@code from} to {@code to} (seconds, from the entries' ids).
         */
        RETENTION_GAP,
        /** The user was not heard for {@code state.user-ttl}: what is kept of it is cleared. */
        EXPIRED
    }

    static SampleWindow of(String userId, RawSamples window, boolean partial) {
        return new SampleWindow(userId, Kind.WINDOW, window, partial, window.timestamps()[0],
                window.timestamps()[window.sampleCount() - 1]);
    }

    static SampleWindow event(String userId, Kind kind, double from, double to) {
        return new SampleWindow(userId, kind, null, false, from, to);
    }
}
