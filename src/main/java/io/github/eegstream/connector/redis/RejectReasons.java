package io.github.eegstream.connector.redis;

/**
 * The reject reasons the connector itself counts (under {@link RedisConnectorMetrics#REJECTED_GROUP});
 * a {@link MessageDeserializer} names its own with {@link MessageDeserializer#rejectReason}.
 */
public final class RejectReasons {

    private RejectReasons() {}

    /** Larger than the source's maximum message size: rejected before it is copied. */
    public static final String TOO_LARGE = "too_large";
    /** What {@link MessageDeserializer#rejectReason} says unless a deserializer says otherwise. */
    public static final String INVALID = "invalid";
}
