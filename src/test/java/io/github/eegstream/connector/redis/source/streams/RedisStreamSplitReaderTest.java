package io.github.eegstream.connector.redis.source.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.testing.TestRedis;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.metrics.SimpleCounter;
import org.junit.jupiter.api.Test;

/** The streams reader against a real Redis: each XREAD bounded in entries and bytes, every stream progressing. */
class RedisStreamSplitReaderTest {

    @Test
    void oneXreadHoldsAtMostItsEntriesAndBytesAndEveryStreamMovesOn() throws Exception {
        String prefix = TestRedis.uniqueUser("xread");
        RedisCommands<String, String> redis = TestRedis.client().connect().sync();
        List<RedisStreamSplit> splits = new ArrayList<>();
        String big = "x".repeat(200_000);
        for (int s = 0; s < 30; s++) {
            String key = "user:" + prefix + "-" + s + ":raw";
            for (int e = 0; e < 20; e++) {
                // Stream 0 has big entries, with a second big field the reader must not copy.
                if (s == 0) {
                    redis.xadd(key, Map.of("data", big, "other", big));
                } else {
                    redis.xadd(key, Map.of("data", "entry-" + e));
                }
            }
            splits.add(new RedisStreamSplit(key, "0-0"));
        }
        FetchLimits limits = new FetchLimits(25, 1 << 20, 1 << 20);
        Map<String, Integer> read = new HashMap<>();
        try (RedisStreamSplitReader reader = new RedisStreamSplitReader(TestRedis.endpoint(), null, limits, "data", new SimpleCounter())) {
            reader.handleSplitsChanges(new SplitsAddition<>(splits));
            for (int fetch = 0; fetch < 400 && read.values().stream().mapToInt(Integer::intValue).sum() < 600; fetch++) {
                RecordsWithSplitIds<StreamEntry> records = reader.fetch();
                int entries = 0;
                long bytes = 0;
                for (String split = records.nextSplit(); split != null; split = records.nextSplit()) {
                    for (StreamEntry e = records.nextRecordFromSplit(); e != null; e = records.nextRecordFromSplit()) {
                        entries++;
                        bytes += e.payload().length;
                        read.merge(split, 1, Integer::sum);
                        assertTrue(!e.tooLarge(), "within the size limit");
                        if (split.contains("-0:")) {
                            assertEquals(big, new String(e.payload(), StandardCharsets.UTF_8));
                        }
                    }
                }
                assertTrue(entries <= limits.entries(), entries + " entries in one XREAD");
                assertTrue(bytes <= limits.bytes() + big.length(), bytes + " bytes in one XREAD");
            }
        }
        assertEquals(30, read.size(), "every stream was read: " + read);
        read.values().forEach(n -> assertEquals(20, n, "every entry once: " + read));
    }

    /**
     * A stream trimmed past a restored position is reported as lost, with the span, before its
     * next entries; one trimmed only behind the position is not.
     */
    @Test
    void aStreamTrimmedPastThePositionIsReportedBeforeItsNextEntries() throws Exception {
        String prefix = TestRedis.uniqueUser("trimmed");
        RedisCommands<String, String> redis = TestRedis.client().connect().sync();
        String trimmed = "user:" + prefix + "-a:raw";
        String kept = "user:" + prefix + "-b:raw";
        for (int i = 0; i < 10; i++) {
            redis.xadd(trimmed, new io.lettuce.core.XAddArgs().id((1000 + i) + "-0"), Map.of("data", "e" + i));
            redis.xadd(kept, new io.lettuce.core.XAddArgs().id((1000 + i) + "-0"), Map.of("data", "e" + i));
        }
        // The job read up to 1003 (a) and 1008 (b), then was down while both were trimmed to 1007.
        redis.xtrim(trimmed, io.lettuce.core.XTrimArgs.Builder.minId("1007-0"));
        redis.xtrim(kept, io.lettuce.core.XTrimArgs.Builder.minId("1007-0"));
        List<StreamEntry> got = new ArrayList<>();
        try (RedisStreamSplitReader reader = new RedisStreamSplitReader(TestRedis.endpoint(), null,
                new FetchLimits(100, 1 << 20, 1 << 20), "data", new SimpleCounter())) {
            reader.handleSplitsChanges(new SplitsAddition<>(List.of(new RedisStreamSplit(trimmed, "1003-0"),
                    new RedisStreamSplit(kept, "1008-0"))));
            for (int fetch = 0; fetch < 20 && got.size() < 5; fetch++) {
                RecordsWithSplitIds<StreamEntry> records = reader.fetch();
                for (String split = records.nextSplit(); split != null; split = records.nextSplit()) {
                    for (StreamEntry e = records.nextRecordFromSplit(); e != null; e = records.nextRecordFromSplit()) {
                        got.add(e);
                    }
                }
            }
        }
        StreamEntry lost = got.get(0);
        assertEquals(trimmed, lost.key());
        assertEquals(new StreamEntry.Lost("1003-0", "1007-0"), lost.lost(), "lost after 1003, up to 1007");
        assertEquals("1006-18446744073709551615", lost.id(), "read on from just before the first entry left");
        List<String> rest = got.subList(1, got.size()).stream().map(e -> e.key().equals(trimmed) ? "a" + e.id() : "b" + e.id())
                .sorted().toList();
        assertEquals(List.of("a1007-0", "a1008-0", "a1009-0", "b1009-0"), rest,
                "then every entry left after the positions, and no loss for the stream trimmed behind its position");
    }
}
