package io.github.eegstream.connector.redis.source.sharded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.connector.redis.RedisClientFactory;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.api.connector.source.mocks.MockSplitEnumeratorContext;
import org.junit.jupiter.api.Test;

/**
 * The sharded enumerator on Flink's mock context, without Redis (not started): it is the one
 * record of which reader reads which channel, so a reader that registers again after a failover
 * or a restore is dealt its channels again, and a split that comes back changes nobody's.
 */
class ShardedPubSubEnumeratorTest {

    private static final RedisClientFactory NOWHERE = RedisClientFactory.fromUrl("redis-cluster://127.0.0.1:1");

    @Test
    void aReaderThatRegistersAgainIsDealtItsChannels() throws Exception {
        try (MockSplitEnumeratorContext<ShardedChannelSplit> context = new MockSplitEnumeratorContext<>(2)) {
            ShardedPubSubEnumerator enumerator = new ShardedPubSubEnumerator(context, NOWHERE, "reg", "user:", ":raw",
                    Duration.ofMillis(200), Duration.ofMinutes(2),
                    new ShardedEnumeratorState(Map.of("user:a:raw", 0, "user:b:raw", 1, "user:c:raw", 1, "user:d:raw", 5)));
            context.registerReader(new ReaderInfo(1, "h1"));
            enumerator.addReader(1);
            assertEquals(Set.of("user:b:raw", "user:c:raw"), channelsOf(context, 1), "a restored reader gets its channels");
            // Reader 1 fails: its splits come back, and owners do not change...
            enumerator.addSplitsBack(List.of(new ShardedChannelSplit("user:b:raw")), 1);
            assertEquals(Map.of("user:a:raw", 0, "user:b:raw", 1, "user:c:raw", 1),
                    withoutPending(enumerator.snapshotState(1).owners()), "owners unchanged; d (a reader gone) is dealt again");
            context.getSplitsAssignmentSequence().clear();
            // ... and it is dealt them again when it comes back.
            enumerator.addReader(1);
            assertEquals(Set.of("user:b:raw", "user:c:raw"), channelsOf(context, 1));
            context.registerReader(new ReaderInfo(0, "h0"));
            enumerator.addReader(0);
            assertTrue(channelsOf(context, 0).contains("user:a:raw"), "reader 0 gets its own");
            assertTrue(channelsOf(context, 0).contains("user:d:raw") || channelsOf(context, 1).contains("user:d:raw"),
                    "the channel of a reader that no longer exists goes to one that does");
        }
    }

    private static Map<String, Integer> withoutPending(Map<String, Integer> owners) {
        Map<String, Integer> out = new java.util.HashMap<>(owners);
        out.remove("user:d:raw");
        return out;
    }

    private static Set<String> channelsOf(MockSplitEnumeratorContext<ShardedChannelSplit> context, int reader) {
        Set<String> out = new HashSet<>();
        for (SplitsAssignment<ShardedChannelSplit> a : context.getSplitsAssignmentSequence()) {
            a.assignment().getOrDefault(reader, List.of()).forEach(s -> out.add(s.channel()));
        }
        return out;
    }
}
