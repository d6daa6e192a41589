package io.github.eegstream.connector.redis;

/**
 * How whoever starts a job sees that its pub/sub source has subscribed, without CLIENT LIST (which would
 * show its Redis user every client's address and name): after each PSUBSCRIBE, a source
 * connection also SUBSCRIBEs to a marker channel named after its connection name and the pattern,
 * and whoever started the job counts the marker's subscribers with PUBSUB NUMSUB. Commands on one connection
 * run in order, so a marker subscribed means its pattern is too. Nothing is ever published there.
 */
public final class SubscriptionMarker {

    /** Every marker channel starts with this (the job's Redis user must be allowed to subscribe to {@code PREFIX*}). */
    public static final String PREFIX = "eegstream:subscribed:";

    private SubscriptionMarker() {}

    /** The marker channel of {@code pattern} subscribed by connections named {@code clientName}. */
    public static String channel(String clientName, String pattern) {
        return PREFIX + clientName + ":" + pattern;
    }
}
