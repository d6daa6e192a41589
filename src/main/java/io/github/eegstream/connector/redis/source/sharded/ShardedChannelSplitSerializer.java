package io.github.eegstream.connector.redis.source.sharded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/** Version 1: the channel as UTF-8. */
public final class ShardedChannelSplitSerializer implements SimpleVersionedSerializer<ShardedChannelSplit> {

    public static final ShardedChannelSplitSerializer INSTANCE = new ShardedChannelSplitSerializer();
    private static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(ShardedChannelSplit split) {
        return split.channel().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public ShardedChannelSplit deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException("unknown split serializer version " + version);
        }
        return new ShardedChannelSplit(new String(serialized, StandardCharsets.UTF_8));
    }
}
