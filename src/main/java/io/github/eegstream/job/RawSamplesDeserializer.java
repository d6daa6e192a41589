package io.github.eegstream.job;

import io.github.eegstream.connector.redis.MessageDeserializer;
import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.WireCodec;
import io.github.eegstream.wire.WireException;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** Decodes messages on {@code user:{id}:raw}; rejects are counted by {@link io.github.eegstream.wire.RejectReason}. */
public final class RawSamplesDeserializer implements MessageDeserializer<UserSamples> {

    private final int maxMessageBytes;
    private transient WireCodec codec;
    /** Channel name to user id: parsed once per user, not once per message. */
    private transient java.util.Map<String, String> users;

    public RawSamplesDeserializer(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    public UserSamples deserialize(String channelName, byte[] message) {
        return deserialize(channelName, message, 0);
    }

    @Override
    public UserSamples deserialize(String channelName, byte[] message, long receivedMillis) {
        if (codec == null) {
            codec = new WireCodec(maxMessageBytes);
            users = new java.util.HashMap<>();
        }
        String user = users.get(channelName);
        if (user == null) {
            Channel channel = Channel.parse(channelName);
            if (channel.kind() != ChannelKind.RAW) {
                throw new WireException(io.github.eegstream.wire.RejectReason.INVALID_CHANNEL,
                        "channel " + channelName + " is not a raw channel");
            }
            if (users.size() > 100_000) {
                users.clear(); // bounded: a stream of made-up channel names cannot grow it without limit
            }
            user = channel.userId();
            users.put(channelName, user);
        }
        return new UserSamples(user, codec.decodeRaw(message), receivedMillis);
    }

    /** A notice of entries trimmed unread, spanning the ids' milliseconds (null if the key is no raw stream). */
    @Override
    public UserSamples retentionGap(String key, String lastReadId, String firstRetainedId) {
        String user;
        try {
            Channel channel = Channel.parse(key);
            if (channel.kind() != ChannelKind.RAW) {
                return null;
            }
            user = channel.userId();
        } catch (WireException e) {
            return null;
        }
        try {
            long from = millis(lastReadId);
            long to = firstRetainedId == null ? from : millis(firstRetainedId);
            return UserSamples.lost(user, new UserSamples.Lost(lastReadId, firstRetainedId, from, Math.max(from, to)));
        } catch (NumberFormatException e) {
            return null; // ids beyond epoch milliseconds: counted, not alerted
        }
    }

    private static long millis(String streamId) {
        int dash = streamId.indexOf('-');
        long ms = Long.parseUnsignedLong(dash < 0 ? streamId : streamId.substring(0, dash));
        if (ms < 0) {
            throw new NumberFormatException(streamId);
        }
        return ms;
    }

    @Override
    public String rejectReason(Exception e) {
        return e instanceof WireException w ? w.reason().metricName() : "invalid";
    }

    @Override
    public TypeInformation<UserSamples> getProducedType() {
        return TypeInformation.of(UserSamples.class);
    }
}
