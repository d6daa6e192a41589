package io.github.eegstream.connector.redis.source.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.connector.redis.RedisClientFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import io.github.eegstream.testing.TestRedis;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.api.connector.source.mocks.MockSplitEnumeratorContext;
import org.junit.jupiter.api.Test;

/**
 * The streams enumerator on Flink's mock context: without Redis (it is not started, so it never
 * scans), splits go to the reader their key hashes to once it registers, keep their positions,
 * and come back to the pending ones when a reader fails; with a real Redis and a registry, its
 * state stays bounded by the streams that exist.
 */
class RedisStreamEnumeratorTest {

    private static final RedisClientFactory NOWHERE = RedisClientFactory.fromUrl("redis://127.0.0.1:1");

    @Test
    void pendingSplitsGoToTheirReaderWithTheirPositions() throws Exception {
        List<RedisStreamSplit> pending = List.of(new RedisStreamSplit("s:a", "0-0"), new RedisStreamSplit("s:b", "5-1"),
                new RedisStreamSplit("s:c", "9-0"), new RedisStreamSplit("s:d", "0-0"), new RedisStreamSplit("s:e", "1-1"));
        try (MockSplitEnumeratorContext<RedisStreamSplit> context = new MockSplitEnumeratorContext<>(2)) {
            RedisStreamEnumerator enumerator = new RedisStreamEnumerator(context, NOWHERE, "s:*", null, Duration.ofSeconds(1), Duration.ofMinutes(2),
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
            RedisStreamEnumerator enumerator = new RedisStreamEnumerator(context, NOWHERE, "s:*", null, Duration.ofSeconds(1), Duration.ofMinutes(2),
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

    /**
     * With a registry and a real Redis: 1,000 streams found without a SCAN after the first, then
     * all expired: every reader is asked to let go of each, and once they have, the enumerator's
     * state and the registry are empty again. A stream made again meanwhile is read again from its start.
     */
    @Test
    void thousandStreamsCreatedAndExpiredLeaveTheStateSmall() throws Throwable {
        String prefix = "user:" + TestRedis.uniqueUser("forget");
        String registry = prefix + ":registry";
        RedisCommands<String, String> redis = TestRedis.client().connect().sync();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String key = prefix + "-" + i + ":raw";
            redis.xadd(key, Map.of("data", "x"));
            redis.zadd(registry, (double) System.currentTimeMillis(), key);
            keys.add(key);
        }
        redis.zadd(registry, (double) System.currentTimeMillis(), prefix + "-other:features"); // not the pattern
        // Members a relay's credentials could add: names without a stream, one far in the future.
        for (int i = 0; i < 50; i++) {
            redis.zadd(registry, (double) System.currentTimeMillis(), prefix + "-fake" + i + ":raw");
        }
        redis.zadd(registry, Double.POSITIVE_INFINITY, prefix + "-future:raw");
        try (MockSplitEnumeratorContext<RedisStreamSplit> context = new MockSplitEnumeratorContext<>(2)) {
            RedisStreamEnumerator enumerator = new RedisStreamEnumerator(context, TestRedis.endpoint(),
                    prefix + "-*:raw", registry, Duration.ofSeconds(1), Duration.ofSeconds(1),
                    new RedisStreamEnumeratorState(Set.of(), List.of()));
            context.registerReader(new ReaderInfo(0, "h0"));
            context.registerReader(new ReaderInfo(1, "h1"));
            enumerator.start();
            context.runPeriodicCallable(0);
            assertEquals(Set.copyOf(keys), enumerator.snapshotState(1).assigned(),
                    "every stream found, once, and no member without a stream");

            // All expire (the relays are gone): their members go stale, their streams away.
            redis.del(keys.toArray(String[]::new));
            Map<String, Double> stale = new HashMap<>();
            keys.forEach(k -> stale.put(k, (double) (System.currentTimeMillis() - 60_000)));
            stale.forEach((k, score) -> redis.zadd(registry, score, k));
            Map<Integer, List<SourceEvent>> asked = Map.of();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (asked.values().stream().mapToInt(List::size).sum() < 2000 && System.nanoTime() < deadline) {
                context.runPeriodicCallable(0); // a sweep is due once a second here
                asked = context.getSentSourceEvent();
            }
            assertEquals(1000, asked.get(0).size(), "reader 0 is asked to let go of each");
            assertEquals(1000, asked.get(1).size(), "and reader 1");
            // One stream is made again before the readers answer: it must be read on from where it was.
            String back = keys.get(7);
            redis.xadd(back, Map.of("data", "again"));
            for (int reader = 0; reader < 2; reader++) {
                for (SourceEvent e : asked.get(reader)) {
                    String key = ((StreamEvents.Forget) e).key();
                    boolean owner = Math.floorMod(key.hashCode(), 2) == reader;
                    enumerator.handleSourceEvent(reader, new StreamEvents.Forgotten(key, owner ? "5-0" : null));
                }
            }
            while (!context.getOneTimeCallables().isEmpty()) {
                context.runNextOneTimeCallable();
            }
            RedisStreamEnumeratorState state = enumerator.snapshotState(2);
            assertEquals(Set.of(back), state.assigned(), "only the stream made again is held");
            assertTrue(state.pending().isEmpty());
            RedisStreamSplit again = context.getSplitsAssignmentSequence().stream()
                    .flatMap(a -> a.assignment().values().stream()).flatMap(List::stream)
                    .filter(s -> s.key().equals(back)).reduce((a, b) -> b).orElseThrow();
            assertEquals(RedisStreamSplit.BEGINNING, again.lastId(), "made again: read from its start");
            assertEquals(List.of(back), redis.zrange(registry, 0, -1).stream()
                    .filter(m -> m.endsWith(":raw") && !m.contains("-fake")).toList(),
                    "the registry forgets the streams that are gone, and members from the future");
            enumerator.close();
        } finally {
            redis.del(registry, back(keys));
        }
    }

    /** A restore in the middle of forgetting a stream: every reader is asked again as it registers. */
    @Test
    void aForgetInterruptedByARestoreIsAskedAgainOfEveryReader() throws Exception {
        try (MockSplitEnumeratorContext<RedisStreamSplit> context = new MockSplitEnumeratorContext<>(2)) {
            RedisStreamEnumerator enumerator = new RedisStreamEnumerator(context, NOWHERE, "s:*", "s:registry",
                    Duration.ofSeconds(1), Duration.ofMinutes(2),
                    new RedisStreamEnumeratorState(Set.of("s:gone", "s:kept"), List.of(), Set.of("s:gone")));
            context.registerReader(new ReaderInfo(0, "h0"));
            enumerator.addReader(0);
            assertEquals(List.of(new StreamEvents.Forget("s:gone")), context.getSentSourceEvent().get(0));
            enumerator.handleSourceEvent(0, new StreamEvents.Forgotten("s:gone", null));
            assertEquals(Set.of("s:gone"), enumerator.snapshotState(1).forgetting(), "reader 1 has not answered");
            // Reader 1 fails before it registers again: its split comes back, which answers for it.
            enumerator.addSplitsBack(List.of(new RedisStreamSplit("s:gone", "7-0")), 1);
            RedisStreamEnumeratorState state = enumerator.snapshotState(2);
            assertEquals(Set.of("s:kept"), state.assigned(), "forgotten once every reader let go");
            assertEquals(Set.of(), state.forgetting());
            assertTrue(state.pending().isEmpty(), "not handed out again");
        }
    }

    private static String back(List<String> keys) {
        return keys.get(7);
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
