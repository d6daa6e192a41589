package io.github.eegstream.connector.redis.source.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Stream ids as Redis orders them, up to the largest it accepts (both parts unsigned 64-bit). */
class StreamIdsTest {

    private static final String MAX = "18446744073709551615";

    @Test
    void idsCompareAsUnsignedPairs() {
        assertTrue(StreamIds.compare("10-0", "9-5") > 0);
        assertTrue(StreamIds.compare("9-5", "9-10") < 0);
        assertEquals(0, StreamIds.compare("9-5", "9-5"));
        assertTrue(StreamIds.compare(MAX + "-0", "1-0") > 0, "beyond a signed long");
        assertTrue(StreamIds.compare("5-" + MAX, "5-1") > 0);
        assertEquals("9-5", StreamIds.later("9-5", null));
        assertEquals("10-0", StreamIds.later("9-5", "10-0"));
    }

    @Test
    void thePredecessorLeavesNothingBetween() {
        assertEquals("5-2", StreamIds.predecessor("5-3"));
        assertEquals("4-" + MAX, StreamIds.predecessor("5-0"));
        assertEquals("5-18446744073709551614", StreamIds.predecessor("5-" + MAX));
        assertEquals("18446744073709551614-" + MAX, StreamIds.predecessor(MAX + "-0"));
        assertEquals(RedisStreamSplit.BEGINNING, StreamIds.predecessor("0-0"));
        assertEquals("0-0", StreamIds.predecessor("0-1"));
    }
}
