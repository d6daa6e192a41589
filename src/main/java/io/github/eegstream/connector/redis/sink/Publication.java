package io.github.eegstream.connector.redis.sink;

/**
 * A message to PUBLISH: a channel name, an encoded payload and its place in the channel's order.
 *
 * @param sequence increases with each publication on the channel (for a user's outputs: the
 *     window's end, then their order within it); a sink that deduplicates publishes only what is
 *     beyond the last sequence it published there. 0 for none.
 */
public record Publication(String channel, byte[] payload, long sequence) {

    /** A publication with no place in an order: never deduplicated. */
    public Publication(String channel, byte[] payload) {
        this(channel, payload, 0);
    }

    /** The sequence of the {@code ordinal}-th output (0 to 99) of a window ending at {@code timestamp} seconds. */
    public static long sequence(double timestamp, int ordinal) {
        return Math.round(timestamp * 1e6) * 100 + ordinal;
    }
}
