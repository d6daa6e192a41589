package io.github.eegstream.wire;

/** A user's channel: {@code user:{id}:{kind}}. */
public record Channel(String userId, ChannelKind kind) {

    static final String PREFIX = "user:";

    /**
     * The one field of a durable stream entry ({@code XADD user:{id}:raw * data <message>}): the
     * stream has the raw channel's name, the field holds the same bytes as the pub/sub message.
     */
    public static final String STREAM_FIELD = "data";

    /**
     * The registry of active senders: a sorted set whose members are raw channel names (which are
     * also the durable streams' keys) and whose scores are when each last sent, in epoch
     * milliseconds. Relays refresh their member about once a second; readers find new users in it
     * without scanning the keyspace or subscribing to patterns.
     */
    public static final String REGISTRY_KEY = "eegstream:registry";

    public Channel {
        UserId.requireValid(userId);
        if (kind == null) {
            throw new IllegalArgumentException("channel kind is required");
        }
    }

    public static Channel of(String userId, ChannelKind kind) {
        return new Channel(userId, kind);
    }

    /** The Redis channel name. */
    public String name() {
        return PREFIX + userId + ":" + kind.suffix();
    }

    /**
     * Parses a channel name.
     *
     * @throws WireException with reason {@link RejectReason#INVALID_CHANNEL} if it is not
     *     {@code user:{valid id}:{kind}}
     */
    public static Channel parse(String name) {
        if (name != null && name.startsWith(PREFIX)) {
            int last = name.lastIndexOf(':');
            if (last > PREFIX.length()) {
                String id = name.substring(PREFIX.length(), last);
                if (UserId.isValid(id)) {
                    try {
                        return new Channel(id, ChannelKind.fromSuffix(name.substring(last + 1)));
                    } catch (IllegalArgumentException e) {
                        throw new WireException(RejectReason.INVALID_CHANNEL, e.getMessage());
                    }
                }
            }
        }
        throw new WireException(
                RejectReason.INVALID_CHANNEL,
                "channel '" + name + "' is not user:{id}:{kind} with a valid user id");
    }

    @Override
    public String toString() {
        return name();
    }
}
