package io.github.eegstream.connector.redis.source.sharded;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/** Version 1: the number of channels, then each channel (UTF) and its reader. */
public final class ShardedEnumeratorStateSerializer implements SimpleVersionedSerializer<ShardedEnumeratorState> {

    public static final ShardedEnumeratorStateSerializer INSTANCE = new ShardedEnumeratorStateSerializer();
    private static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(ShardedEnumeratorState state) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(state.owners().size());
            for (Map.Entry<String, Integer> e : state.owners().entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue());
            }
        }
        return bytes.toByteArray();
    }

    @Override
    public ShardedEnumeratorState deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException("unknown enumerator state version " + version);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            int n = in.readInt();
            Map<String, Integer> owners = new HashMap<>();
            for (int i = 0; i < n; i++) {
                owners.put(in.readUTF(), in.readInt());
            }
            return new ShardedEnumeratorState(owners);
        }
    }
}
