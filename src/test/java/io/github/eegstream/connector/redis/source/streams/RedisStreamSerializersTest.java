package io.github.eegstream.connector.redis.source.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The streams source's split and enumerator-state serializers: round trips, and the versions they read. */
class RedisStreamSerializersTest {

    @Test
    void splitRoundTrips() throws IOException {
        RedisStreamSplitSerializer serializer = RedisStreamSplitSerializer.INSTANCE;
        for (RedisStreamSplit split : List.of(new RedisStreamSplit("user:alice:raw", RedisStreamSplit.BEGINNING),
                new RedisStreamSplit("user:bob:raw", "1717000000000-42"), new RedisStreamSplit("ünï:{x}", "5-0"))) {
            RedisStreamSplit back = serializer.deserialize(serializer.getVersion(), serializer.serialize(split));
            assertEquals(split, back);
            assertEquals(split.key(), back.splitId());
        }
    }

    @Test
    void splitOfAnUnknownVersionIsRefused() throws IOException {
        byte[] bytes = RedisStreamSplitSerializer.INSTANCE.serialize(new RedisStreamSplit("k", "0-0"));
        assertThrows(IOException.class, () -> RedisStreamSplitSerializer.INSTANCE.deserialize(2, bytes));
    }

    @Test
    void enumeratorStateRoundTrips() throws IOException {
        RedisStreamEnumeratorState state = new RedisStreamEnumeratorState(Set.of("user:a:raw", "user:b:raw"),
                List.of(new RedisStreamSplit("user:c:raw", "0-0"), new RedisStreamSplit("user:d:raw", "12-3")));
        RedisStreamEnumeratorStateSerializer serializer = RedisStreamEnumeratorStateSerializer.INSTANCE;
        assertEquals(state, serializer.deserialize(serializer.getVersion(), serializer.serialize(state)));

        RedisStreamEnumeratorState empty = new RedisStreamEnumeratorState(Set.of(), List.of());
        assertEquals(empty, serializer.deserialize(serializer.getVersion(), serializer.serialize(empty)));
    }

    @Test
    void enumeratorStateOfAnUnknownVersionIsRefused() {
        assertThrows(IOException.class, () -> RedisStreamEnumeratorStateSerializer.INSTANCE.deserialize(2, new byte[8]));
    }

    @Test
    void splitStateMovesWithEachEntry() {
        RedisStreamSplitState state = new RedisStreamSplitState(new RedisStreamSplit("k", "0-0"));
        state.advanceTo("7-1");
        assertEquals(new RedisStreamSplit("k", "7-1"), state.toSplit());
    }
}
