package io.github.eegstream.connector.redis.source.pubsub;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Version 2: the classes (count; each's prefix, suffix, kind, chars, tail and reader), then the
 * rates (count; each channel and its messages per second). Version 1 (unassigned pattern splits,
 * from before classes) restores as {@link RedisPubSubEnumeratorState#empty()}: the assignment
 * starts afresh, as it did then.
 */
public final class RedisPubSubEnumeratorStateSerializer
        implements SimpleVersionedSerializer<RedisPubSubEnumeratorState> {

    public static final RedisPubSubEnumeratorStateSerializer INSTANCE = new RedisPubSubEnumeratorStateSerializer();

    private static final int VERSION = 2;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(RedisPubSubEnumeratorState state) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(state.owners().size());
            for (Map.Entry<ChannelClass, Integer> e : state.owners().entrySet()) {
                ChannelClass c = e.getKey();
                out.writeUTF(c.prefix());
                out.writeUTF(c.suffix());
                out.writeByte(c.kind().ordinal());
                out.writeUTF(c.chars());
                out.writeUTF(c.tail());
                out.writeInt(e.getValue());
            }
            out.writeInt(state.rates().size());
            for (Map.Entry<String, Double> e : state.rates().entrySet()) {
                out.writeUTF(e.getKey());
                out.writeDouble(e.getValue());
            }
        }
        return bytes.toByteArray();
    }

    @Override
    public RedisPubSubEnumeratorState deserialize(int version, byte[] serialized) throws IOException {
        if (version == 1) {
            return RedisPubSubEnumeratorState.empty();
        }
        if (version != VERSION) {
            throw new IOException("unknown enumerator state version " + version);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            int n = in.readInt();
            Map<ChannelClass, Integer> owners = new LinkedHashMap<>();
            ChannelClass.Kind[] kinds = ChannelClass.Kind.values();
            for (int i = 0; i < n; i++) {
                String prefix = in.readUTF();
                String suffix = in.readUTF();
                int kind = in.readByte();
                if (kind < 0 || kind >= kinds.length) {
                    throw new IOException("unknown channel class kind " + kind);
                }
                owners.put(new ChannelClass(prefix, suffix, kinds[kind], in.readUTF(), in.readUTF()), in.readInt());
            }
            int m = in.readInt();
            Map<String, Double> rates = new HashMap<>();
            for (int i = 0; i < m; i++) {
                rates.put(in.readUTF(), in.readDouble());
            }
            return new RedisPubSubEnumeratorState(owners, rates);
        }
    }
}
