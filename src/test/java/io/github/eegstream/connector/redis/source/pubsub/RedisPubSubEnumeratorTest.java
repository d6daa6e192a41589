package io.github.eegstream.connector.redis.source.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.mocks.MockSplitEnumeratorContext;
import org.junit.jupiter.api.Test;

/**
 * The pub/sub enumerator on Flink's mock context: every channel of the family belongs to exactly
 * one reader's classes, at start and after a restore at another parallelism.
 */
class RedisPubSubEnumeratorTest {

    private static final ChannelClass FAMILY = ChannelClass.rootOf("user:*:raw");
    private static final List<String> CHANNELS = channels();

    private static List<String> channels() {
        List<String> out = new ArrayList<>();
        for (String id : List.of("", "a", "Z", "7", "alice", "bob-2", "x.y", "under_", "%", "~tilde", "0")) {
            out.add("user:" + id + ":raw");
        }
        for (int i = 0; i < 200; i++) {
            out.add("user:u" + Integer.toString(i * 7919, 36) + ":raw");
        }
        return out;
    }

    @Test
    void everyReaderIsToldItsClassesAndEveryChannelHasOneReader() throws Exception {
        try (MockSplitEnumeratorContext<RedisPubSubSplit> context = new MockSplitEnumeratorContext<>(3)) {
            RedisPubSubEnumerator enumerator = new RedisPubSubEnumerator(context, FAMILY,
                    RedisPubSubSource.maxClasses(3), RedisPubSubEnumeratorState.empty());
            Map<Integer, List<String>> assigned = register(context, enumerator, 3);

            assertEquals(Set.of(0, 1, 2), assigned.keySet());
            assigned.values().forEach(p -> assertTrue(!p.isEmpty(), "each reader reads some classes: " + assigned));
            assertEachChannelReadOnce(enumerator, assigned);
            assertTrue(context.getSplitsAssignmentSequence().isEmpty(), "no splits: classes come as events");

            RedisPubSubEnumeratorState state = enumerator.snapshotState(1);
            assertEquals(assigned.values().stream().mapToInt(List::size).sum(), state.owners().size());
            enumerator.close();
        }
    }

    @Test
    void aRestoreAtAnotherParallelismDealsEveryClassToTheReadersThereAre() throws Exception {
        RedisPubSubEnumeratorState checkpoint;
        try (MockSplitEnumeratorContext<RedisPubSubSplit> context = new MockSplitEnumeratorContext<>(4)) {
            RedisPubSubEnumerator enumerator = new RedisPubSubEnumerator(context, FAMILY,
                    RedisPubSubSource.maxClasses(4), RedisPubSubEnumeratorState.empty());
            register(context, enumerator, 4);
            checkpoint = RedisPubSubEnumeratorStateSerializer.INSTANCE.deserialize(2,
                    RedisPubSubEnumeratorStateSerializer.INSTANCE.serialize(enumerator.snapshotState(7)));
        }
        try (MockSplitEnumeratorContext<RedisPubSubSplit> context = new MockSplitEnumeratorContext<>(2)) {
            RedisPubSubEnumerator restored = new RedisPubSubEnumerator(context, FAMILY,
                    RedisPubSubSource.maxClasses(2), checkpoint);
            Map<Integer, List<String>> assigned = register(context, restored, 2);
            RedisPubSubEnumerator enumerator = restored;

            assertEquals(Set.of(0, 1), assigned.keySet());
            assertEquals(checkpoint.owners().keySet(), restored.snapshotState(8).owners().keySet(), "the same classes");
            assertTrue(restored.snapshotState(8).owners().values().stream().allMatch(r -> r >= 0 && r < 2));
            assertEachChannelReadOnce(enumerator, assigned);
        }
    }

    @Test
    void aCheckpointOfAnotherFamilyIsNotRestored() throws Exception {
        RedisPubSubEnumeratorState other = new RedisPubSubEnumeratorState(
                Map.of(ChannelClass.root("device:", ":raw"), 0), Map.of("device:1:raw", 5.0));
        try (MockSplitEnumeratorContext<RedisPubSubSplit> context = new MockSplitEnumeratorContext<>(2)) {
            RedisPubSubEnumerator enumerator = new RedisPubSubEnumerator(context, FAMILY,
                    RedisPubSubSource.maxClasses(2), other);
            Map<Integer, List<String>> assigned = register(context, enumerator, 2);
            assertEachChannelReadOnce(enumerator, assigned);
            assertTrue(enumerator.snapshotState(1).owners().keySet().stream().allMatch(c -> c.prefix().equals("user:")));
        }
    }

    /** Registers readers 0..n-1 and returns the patterns each was told by its {@link HandoverEvent.Assign}. */
    private static Map<Integer, List<String>> register(MockSplitEnumeratorContext<RedisPubSubSplit> context,
            RedisPubSubEnumerator enumerator, int readers) throws Exception {
        for (int r = 0; r < readers; r++) {
            context.registerReader(new ReaderInfo(r, "host-" + r));
            enumerator.addReader(r);
        }
        Map<Integer, List<String>> assigned = new HashMap<>();
        for (Map.Entry<Integer, List<SourceEvent>> e : context.getSentSourceEvent().entrySet()) {
            for (SourceEvent event : e.getValue()) {
                if (event instanceof HandoverEvent.Assign a) {
                    assigned.put(e.getKey(), a.patterns());
                }
            }
        }
        return assigned;
    }

    /**
     * The readers were told exactly the classes the enumerator holds for them, and every channel
     * matches one class ({@link ChannelClass#matches} is Redis's matching: {@link ChannelClassTest}).
     */
    private static void assertEachChannelReadOnce(RedisPubSubEnumerator enumerator, Map<Integer, List<String>> assigned) {
        Map<ChannelClass, Integer> owners = enumerator.snapshotState(0).owners();
        Map<Integer, Set<String>> expected = new HashMap<>();
        owners.forEach((c, r) -> expected.computeIfAbsent(r, k -> new TreeSet<>()).add(c.pattern()));
        Map<Integer, Set<String>> told = new HashMap<>();
        assigned.forEach((r, p) -> told.put(r, new TreeSet<>(p)));
        assertEquals(expected, told, "what each reader was told");
        assertEquals(owners.size(), assigned.values().stream().mapToInt(List::size).sum(), "no pattern told twice");
        for (String channel : CHANNELS) {
            List<ChannelClass> matched = owners.keySet().stream().filter(c -> c.matches(channel)).toList();
            assertEquals(1, matched.size(), channel + " is in one class: " + matched);
        }
    }
}
