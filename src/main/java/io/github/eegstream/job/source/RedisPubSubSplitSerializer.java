package io.github.eegstream.job.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/** Version 1: the pattern as UTF-8. */
public final class RedisPubSubSplitSerializer implements SimpleVersionedSerializer<RedisPubSubSplit> {

    public static final RedisPubSubSplitSerializer INSTANCE = new RedisPubSubSplitSerializer();

    private static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(RedisPubSubSplit split) {
        return split.pattern().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public RedisPubSubSplit deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException("unknown split serializer version " + version);
        }
        return new RedisPubSubSplit(new String(serialized, StandardCharsets.UTF_8));
    }
}
