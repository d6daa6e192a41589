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
}
