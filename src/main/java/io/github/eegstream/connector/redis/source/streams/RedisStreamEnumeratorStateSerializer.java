package io.github.eegstream.connector.redis.source.streams;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Version 2: the count and keys assigned, the count and pending splits, then the count and keys
 * being forgotten. Version 1 (without the last) is read too.
 */
public final class RedisStreamEnumeratorStateSerializer implements SimpleVersionedSerializer<RedisStreamEnumeratorState> {

    public static final RedisStreamEnumeratorStateSerializer INSTANCE = new RedisStreamEnumeratorStateSerializer();

    private static final int VERSION = 2;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(RedisStreamEnumeratorState state) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(state.assigned().size());
            for (String key : state.assigned()) {
                out.writeUTF(key);
            }
            out.writeInt(state.pending().size());
            for (RedisStreamSplit split : state.pending()) {
                RedisStreamSplitSerializer.write(split, out);
            }
            out.writeInt(state.forgetting().size());
            for (String key : state.forgetting()) {
                out.writeUTF(key);
            }
        }
        return bytes.toByteArray();
    }

    @Override
    public RedisStreamEnumeratorState deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION && version != 1) {
            throw new IOException("unknown stream enumerator state version " + version);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            Set<String> assigned = new HashSet<>();
            for (int n = in.readInt(); n > 0; n--) {
                assigned.add(in.readUTF());
            }
            List<RedisStreamSplit> pending = new ArrayList<>();
            for (int n = in.readInt(); n > 0; n--) {
                pending.add(RedisStreamSplitSerializer.read(in));
            }
            Set<String> forgetting = new HashSet<>();
            if (version >= 2) {
                for (int n = in.readInt(); n > 0; n--) {
                    forgetting.add(in.readUTF());
                }
            }
            return new RedisStreamEnumeratorState(assigned, pending, forgetting);
        }
    }
}
