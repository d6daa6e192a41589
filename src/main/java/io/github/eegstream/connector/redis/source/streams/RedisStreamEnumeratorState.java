package io.github.eegstream.connector.redis.source.streams;

import java.util.List;
import java.util.Set;

/**
 * The streams enumerator's checkpoint: every stream key it has handed out (their positions live
 * in the readers' state) and the splits waiting for their reader.
 */
public record RedisStreamEnumeratorState(Set<String> assigned, List<RedisStreamSplit> pending) {
    public RedisStreamEnumeratorState {
        assigned = Set.copyOf(assigned);
        pending = List.copyOf(pending);
    }
}
