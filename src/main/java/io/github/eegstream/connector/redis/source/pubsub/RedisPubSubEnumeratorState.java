package io.github.eegstream.connector.redis.source.pubsub;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the enumerator checkpoints: every channel class and the reader reading it, and the
 * message rate of every channel seen, so a restore starts balanced.
 */
public record RedisPubSubEnumeratorState(Map<ChannelClass, Integer> owners, Map<String, Double> rates) {

    public RedisPubSubEnumeratorState {
        owners = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(owners));
        rates = Map.copyOf(rates);
    }

    /** Nothing known: the enumerator starts from {@link ChannelClass#initial}. */
    public static RedisPubSubEnumeratorState empty() {
        return new RedisPubSubEnumeratorState(Map.of(), Map.of());
    }
}
