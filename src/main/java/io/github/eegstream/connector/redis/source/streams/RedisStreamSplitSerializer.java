package io.github.eegstream.connector.redis.source.streams;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/** Version 1: the key, then the last id, each as modified UTF-8. */
public final class RedisStreamSplitSerializer implements SimpleVersionedSerializer<RedisStreamSplit> {

    public static final RedisStreamSplitSerializer INSTANCE = new RedisStreamSplitSerializer();

    private static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(RedisStreamSplit split) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            write(split, out);
        }
        return bytes.toByteArray();
    }

    @Override
    public RedisStreamSplit deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException("unknown stream split serializer version " + version);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            return read(in);
        }
    }

    static void write(RedisStreamSplit split, DataOutputStream out) throws IOException {
        out.writeUTF(split.key());
        out.writeUTF(split.lastId());
    }

    static RedisStreamSplit read(DataInputStream in) throws IOException {
        return new RedisStreamSplit(in.readUTF(), in.readUTF());
    }
}
