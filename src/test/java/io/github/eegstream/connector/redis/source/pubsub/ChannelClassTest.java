package io.github.eegstream.connector.redis.source.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.eegstream.testing.TestRedis;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Channel classes partition a family, and match exactly as Redis's own glob matcher does. */
class ChannelClassTest {

    private static final ChannelClass ROOT = ChannelClass.rootOf("user:*:raw");

    /** Ids of every shape: short, equal to a class's tail, sharing tails, odd characters, garbage. */
    private static final List<String> IDS = List.of("1", "01", "001", "11", "101", "sub-001", "sub-01", "P001", "Sub-010",
            "alice", "Alice", "ALICE", "bob", "a", "A", "-", "x-", "_", ".", "..", "a.b", "z9", "9z",
            "3f2a1c9e-7d41-4a0b-9c3e-5b6d7e8f9a0b", "", "a^b", "a]b", "a[b", "a*b", "a?b", "a\\b", "é1", "a b");

    @Test
    void theInitialClassesAndTheirCutsMatchEveryChannelOnceAsRedisDoes() {
        try (StatefulRedisConnection<String, String> c = TestRedis.client().connect()) {
            for (int n : new int[] {1, 2, 3, 8, 39, 100}) {
                assertPartition(c, ChannelClass.initial("user:", ":raw", n));
            }
            // Cut as the rebalancer does, down to single ids: still a partition, still Redis's matching.
            List<ChannelClass> classes = new ArrayList<>(ChannelClass.initial("user:", ":raw", 4));
            Map<String, Double> rates = new java.util.HashMap<>();
            IDS.forEach(id -> rates.put("user:" + id + ":raw", 1.0));
            for (int round = 0; round < 12; round++) {
                List<ChannelClass> next = new ArrayList<>();
                for (ChannelClass k : classes) {
                    List<String> members = rates.keySet().stream().filter(k::matches).toList();
                    List<ChannelClass> cut = members.size() >= 2 ? Rebalancer.cut(k, members, rates) : null;
                    next.addAll(cut == null ? List.of(k) : cut);
                }
                classes = next;
                assertPartition(c, classes);
            }
        }
    }

    private static void assertPartition(StatefulRedisConnection<String, String> c, List<ChannelClass> classes) {
        for (String id : IDS) {
            String channel = "user:" + id + ":raw";
            List<ChannelClass> matched = classes.stream().filter(k -> k.matches(channel)).toList();
            assertEquals(1, matched.size(), channel + " matches " + matched + " of " + classes);
            for (ChannelClass k : classes) {
                assertEquals(redisMatches(c, k.pattern(), channel), k.matches(channel), k.pattern() + " on " + channel);
            }
        }
    }

    @Test
    void aCutDividesAClassIntoPartsThatTogetherHoldIt() {
        Map<String, Double> rates = Map.of("user:sub-001:raw", 1.0, "user:sub-011:raw", 1.0, "user:sub-021:raw", 2.0,
                "user:1:raw", 1.0);
        ChannelClass all = new ChannelClass("user:", ":raw", ChannelClass.Kind.ALL, "", "1");
        List<ChannelClass> parts = Rebalancer.cut(all, List.copyOf(rates.keySet()), rates);
        assertEquals(3, parts.size());
        Set<String> patterns = new TreeSet<>();
        parts.forEach(p -> patterns.add(p.pattern()));
        assertEquals(Set.of("user:1:raw", "user:*[2]1:raw", "user:*[^2]1:raw"), patterns);
        assertEquals(null, Rebalancer.cut(new ChannelClass("user:", ":raw", ChannelClass.Kind.EXACT, "", "1"),
                List.of("user:1:raw"), rates), "one id does not cut");
    }

    @Test
    void aFamilyIsOneStarBetweenLiterals() {
        assertEquals("user:*:raw", ROOT.pattern());
        assertThrows(IllegalArgumentException.class, () -> ChannelClass.rootOf("user:raw"));
        assertThrows(IllegalArgumentException.class, () -> ChannelClass.rootOf("user:*:*"));
        assertThrows(IllegalArgumentException.class, () -> ChannelClass.rootOf("user:?*:raw"));
        assertThrows(IllegalArgumentException.class, () -> new ChannelClass("user:", ":raw", ChannelClass.Kind.IN, "", ""));
        assertThrows(IllegalArgumentException.class, () -> new ChannelClass("user:", ":raw", ChannelClass.Kind.ALL, "", "é"));
    }

    /** Whether Redis's own glob matching accepts {@code channel} for {@code pattern} (KEYS matches as PSUBSCRIBE does). */
    static boolean redisMatches(StatefulRedisConnection<String, String> c, String pattern, String channel) {
        String prefix = "class-check-" + Thread.currentThread().getId() + ":";
        String key = prefix + channel;
        c.sync().set(key, "1");
        try {
            return c.sync().keys(prefix + pattern).contains(key);
        } finally {
            c.sync().del(key);
        }
    }
}
