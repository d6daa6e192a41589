package io.github.eegstream.job.source;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/** Version 1: a count, then each unassigned split's index and pattern. */
public final class RedisPubSubEnumeratorStateSerializer
        implements SimpleVersionedSerializer<RedisPubSubEnumeratorState> {

    public static final RedisPubSubEnumeratorStateSerializer INSTANCE = new RedisPubSubEnumeratorStateSerializer();

    private static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(RedisPubSubEnumeratorState state) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(state.unassigned().size());
            for (RedisPubSubSplit split : state.unassigned()) {
                out.writeInt(split.index());
                out.writeUTF(split.pattern());
            }
        }
        return bytes.toByteArray();
    }

    @Override
    public RedisPubSubEnumeratorState deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException("unknown enumerator state version " + version);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            int n = in.readInt();
            Set<RedisPubSubSplit> splits = new HashSet<>();
            for (int i = 0; i < n; i++) {
                int index = in.readInt();
                splits.add(new RedisPubSubSplit(in.readUTF(), index));
            }
            return new RedisPubSubEnumeratorState(splits);
        }
    }
}
