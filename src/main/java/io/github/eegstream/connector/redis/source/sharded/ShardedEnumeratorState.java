package io.github.eegstream.connector.redis.source.sharded;

import java.util.Map;

/** Every channel dealt out, and the reader it went to (checkpointed, so a restore deals only new ones). */
public record ShardedEnumeratorState(Map<String, Integer> owners) {

    public ShardedEnumeratorState {
        owners = Map.copyOf(owners);
    }

    public static ShardedEnumeratorState empty() {
        return new ShardedEnumeratorState(Map.of());
    }
}
