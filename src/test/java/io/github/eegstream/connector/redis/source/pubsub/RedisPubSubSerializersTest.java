package io.github.eegstream.connector.redis.source.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pub/sub source's split and enumerator-state serializers: round trips, and the versions they read. */
class RedisPubSubSerializersTest {

    @Test
    void splitRoundTrips() throws IOException {
        RedisPubSubSplitSerializer serializer = RedisPubSubSplitSerializer.INSTANCE;
        for (RedisPubSubSplit split : List.of(new RedisPubSubSplit("user:*:raw", 0),
                new RedisPubSubSplit("user:[a-f]*:raw", 17), new RedisPubSubSplit("ünïcode:*", Integer.MAX_VALUE))) {
            assertEquals(split, serializer.deserialize(serializer.getVersion(), serializer.serialize(split)));
        }
    }

    @Test
    void splitOfAnUnknownVersionIsRefused() throws IOException {
        byte[] bytes = RedisPubSubSplitSerializer.INSTANCE.serialize(new RedisPubSubSplit("a*", 1));
        assertThrows(IOException.class, () -> RedisPubSubSplitSerializer.INSTANCE.deserialize(99, bytes));
    }

    @Test
    void enumeratorStateRoundTripsWithItsClassesInOrder() throws IOException {
        // Real classes of every kind: the initial division of a family, and a cut of one of them.
        List<ChannelClass> classes = new java.util.ArrayList<>(ChannelClass.initial("user:", ":raw", 3));
        classes.add(ChannelClass.root("user:", ":raw"));
        Map<ChannelClass, Integer> owners = new LinkedHashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            owners.put(classes.get(i), i % 3);
        }
        Map<String, Double> rates = Map.of("user:alice:raw", 250.0, "user:bob:raw", 0.5, "user:ünï:raw", 1e-9);
        RedisPubSubEnumeratorState state = new RedisPubSubEnumeratorState(owners, rates);
        RedisPubSubEnumeratorStateSerializer serializer = RedisPubSubEnumeratorStateSerializer.INSTANCE;

        RedisPubSubEnumeratorState back = serializer.deserialize(serializer.getVersion(), serializer.serialize(state));

        assertEquals(state, back);
        assertEquals(List.copyOf(owners.keySet()), List.copyOf(back.owners().keySet()), "order kept");
        assertEquals(2, serializer.getVersion());
    }

    @Test
    void emptyEnumeratorStateRoundTrips() throws IOException {
        RedisPubSubEnumeratorStateSerializer serializer = RedisPubSubEnumeratorStateSerializer.INSTANCE;
        assertEquals(RedisPubSubEnumeratorState.empty(),
                serializer.deserialize(serializer.getVersion(), serializer.serialize(RedisPubSubEnumeratorState.empty())));
    }

    @Test
    void versionOneStateRestoresEmpty() throws IOException {
        // Version 1 held pattern splits from before classes; whatever its bytes, the assignment starts afresh.
        byte[] versionOne = RedisPubSubSplitSerializer.INSTANCE.serialize(new RedisPubSubSplit("user:*:raw", 0));
        assertEquals(RedisPubSubEnumeratorState.empty(),
                RedisPubSubEnumeratorStateSerializer.INSTANCE.deserialize(1, versionOne));
        assertEquals(RedisPubSubEnumeratorState.empty(),
                RedisPubSubEnumeratorStateSerializer.INSTANCE.deserialize(1, new byte[0]));
    }

    @Test
    void enumeratorStateOfAnUnknownVersionIsRefused() {
        assertThrows(IOException.class, () -> RedisPubSubEnumeratorStateSerializer.INSTANCE.deserialize(3, new byte[4]));
    }
}
