package io.github.eegstream.wire;

import java.util.Locale;

/** Why a message was rejected; each reason is counted separately by the components. */
public enum RejectReason {
    /** Neither msgpack nor JSON, or truncated. */
    UNPARSEABLE,
    /** Larger than the configured maximum. */
    TOO_LARGE,
    /** Valid msgpack/JSON, but not a map. */
    NOT_A_MAP,
    /** A {@code type} this channel does not carry. */
    UNKNOWN_TYPE,
    /** A required field is absent. */
    MISSING_FIELD,
    /** A field has the wrong type or shape. */
    WRONG_TYPE,
    /** NaN or infinity where a finite number is required. */
    NON_FINITE,
    /** The channel name is not {@code user:{valid id}:{kind}}. */
    INVALID_CHANNEL,
    /** A timestamp that is neither seconds nor epoch milliseconds, microseconds or nanoseconds ({@link Timestamps}). */
    TIMESTAMP_OUT_OF_RANGE,
    /** A sampling rate above {@link RawSamples#MAX_RATE}. */
    RATE_OUT_OF_RANGE;

    /** The name used in metrics and logs, e.g. {@code non_finite}. */
    public String metricName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
