package io.github.eegstream.connector.redis.source.pubsub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/** Version 1: the index (4 bytes), then the pattern as UTF-8. */
public final class RedisPubSubSplitSerializer implements SimpleVersionedSerializer<RedisPubSubSplit> {

    public static final RedisPubSubSplitSerializer INSTANCE = new RedisPubSubSplitSerializer();

    private static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(RedisPubSubSplit split) {
        byte[] pattern = split.pattern().getBytes(StandardCharsets.UTF_8);
        return java.nio.ByteBuffer.allocate(4 + pattern.length).putInt(split.index()).put(pattern).array();
    }

    @Override
    public RedisPubSubSplit deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException("unknown split serializer version " + version);
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(serialized);
        int index = b.getInt();
        return new RedisPubSubSplit(new String(serialized, 4, serialized.length - 4, StandardCharsets.UTF_8), index);
    }
}
