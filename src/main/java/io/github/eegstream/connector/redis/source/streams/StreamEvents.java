package io.github.eegstream.connector.redis.source.streams;

import org.apache.flink.api.connector.source.SourceEvent;

/**
 * What the streams enumerator and its readers tell each other when a stream that no longer
 * exists is forgotten, so that the state of both stays bounded by the streams that exist.
 */
final class StreamEvents {

    private StreamEvents() {}

    /** Enumerator to every reader: stop reading {@code key} (it no longer exists) and say so. */
    record Forget(String key) implements SourceEvent {}

    /**
     * Reader to enumerator: this reader holds {@code key} no more; {@code lastId} is the last entry
     * it read, or null if it did not hold it. A stream made again under the same key, in the
     * meantime, is read on from the furthest of these.
     */
    record Forgotten(String key, String lastId) implements SourceEvent {}
}
