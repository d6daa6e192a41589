package io.github.eegstream.connector.redis.source.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.connector.redis.RedisClientFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.api.connector.source.mocks.MockSplitEnumeratorContext;
import org.junit.jupiter.api.Test;

/**
 * The streams enumerator on Flink's mock context, without Redis (it is not started, so it never
 * scans): splits go to the reader their key hashes to once it registers, keep their positions,
 * and come back to the pending ones when a reader fails.
 */
class RedisStreamEnumeratorTest {

    private static final RedisClientFactory NOWHERE = RedisClientFactory.fromUrl("redis://127.0.0.1:1");

    @Test
    void pendingSplitsGoToTheirReaderWithTheirPositions() throws Exception {
        List<RedisStreamSplit> pending = List.of(new RedisStreamSplit("s:a", "0-0"), new RedisStreamSplit("s:b", "5-1"),
                new RedisStreamSplit("s:c", "9-0"), new RedisStreamSplit("s:d", "0-0"), new RedisStreamSplit("s:e", "1-1"));
        try (MockSplitEnumeratorContext<RedisStreamSplit> context = new MockSplitEnumeratorContext<>(2)) {
            RedisStreamEnumerator enumerator = new RedisStreamEnumerator(context, NOWHERE, "s:*", Duration.ofSeconds(1),
                    new RedisStreamEnumeratorState(Set.of("s:old"), pending));

            context.registerReader(new ReaderInfo(0, "h0"));
            enumerator.addReader(0);
            Map<Integer, List<RedisStreamSplit>> first = assignments(context);
            assertEquals(Set.of(0), first.keySet(), "only the registered reader gets splits");
            first.get(0).forEach(s -> assertEquals(0, owner(s, 2)));

            context.registerReader(new ReaderInfo(1, "h1"));
            enumerator.addReader(1);
            Map<Integer, List<RedisStreamSplit>> all = assignments(context);
            assertEquals(Set.copyOf(pending), Set.copyOf(all.values().stream().flatMap(List::stream).toList()),
                    "every split once, at its position");
            all.forEach((reader, splits) -> splits.forEach(s -> assertEquals((int) reader, owner(s, 2), s.key())));

            RedisStreamEnumeratorState state = enumerator.snapshotState(1);
            assertEquals(Set.of("s:old", "s:a", "s:b", "s:c", "s:d", "s:e"), state.assigned());
            assertTrue(state.pending().isEmpty());
            enumerator.close();
        }
    }

    @Test
    void splitsAddedBackWaitForTheirReader() throws Exception {
        try (MockSplitEnumeratorContext<RedisStreamSplit> context = new MockSplitEnumeratorContext<>(1)) {
            RedisStreamEnumerator enumerator = new RedisStreamEnumerator(context, NOWHERE, "s:*", Duration.ofSeconds(1),
                    new RedisStreamEnumeratorState(Set.of("s:x"), List.of()));
            // Reader 0 fails before its checkpoint: its split comes back at the checkpointed position.
            enumerator.addSplitsBack(List.of(new RedisStreamSplit("s:x", "3-0")), 0);
            RedisStreamEnumeratorState waiting = enumerator.snapshotState(2);
            assertEquals(Set.of(), waiting.assigned());
            assertEquals(List.of(new RedisStreamSplit("s:x", "3-0")), waiting.pending());

            context.registerReader(new ReaderInfo(0, "h0"));
            enumerator.addReader(0);
            assertEquals(Map.of(0, List.of(new RedisStreamSplit("s:x", "3-0"))), assignments(context));
            enumerator.close();
        }
    }

    private static int owner(RedisStreamSplit split, int readers) {
        return Math.floorMod(split.key().hashCode(), readers);
    }

    private static Map<Integer, List<RedisStreamSplit>> assignments(MockSplitEnumeratorContext<RedisStreamSplit> context) {
        Map<Integer, List<RedisStreamSplit>> out = new HashMap<>();
        for (SplitsAssignment<RedisStreamSplit> a : context.getSplitsAssignmentSequence()) {
            a.assignment().forEach((reader, splits) -> out.computeIfAbsent(reader, r -> new java.util.ArrayList<>()).addAll(splits));
        }
        return out;
    }
}
