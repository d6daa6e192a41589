package io.github.eegstream.connector.redis.sink;

import java.io.Serializable;

/**
 * Turns a record into what the sink publishes: its channel, payload and (for a deduplicating
 * sink) sequence. Runs on the task thread, once per record.
 */
@FunctionalInterface
public interface PublicationSerializer<T> extends Serializable {

    Publication serialize(T element);

    /** For a stream of {@link Publication}s: each as it is. */
    static PublicationSerializer<Publication> identity() {
        return p -> p;
    }
}
