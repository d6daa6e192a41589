package io.github.eegstream.connector.redis.source.streams;

import java.util.List;
import java.util.Set;

/**
 * The streams enumerator's checkpoint: every stream key it has handed out (their positions live
 * in the readers' state), the splits waiting for their reader, and the handed-out keys it was
 * forgetting (asked again of every reader after a restore: one may have let go before its part of
 * the checkpoint).
 */
public record RedisStreamEnumeratorState(Set<String> assigned, List<RedisStreamSplit> pending, Set<String> forgetting) {
    public RedisStreamEnumeratorState {
        assigned = Set.copyOf(assigned);
        pending = List.copyOf(pending);
        forgetting = Set.copyOf(forgetting);
    }

    public RedisStreamEnumeratorState(Set<String> assigned, List<RedisStreamSplit> pending) {
        this(assigned, pending, Set.of());
    }
}
