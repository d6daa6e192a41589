package io.github.eegstream.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Where the job reads raw samples: live pub/sub channels, or durable Redis Streams. */
public enum SourceMode {
    /** Every user's raw channel: lowest latency, nothing kept across restarts. */
    PUBSUB("pubsub"),
    /** The Redis Streams durable relays append to, with read positions in checkpoints. */
    STREAMS("streams");

    private final String yamlName;

    SourceMode(String yamlName) {
        this.yamlName = yamlName;
    }

    /** As a spec writes it: {@code pubsub} or {@code streams}. */
    @JsonValue
    public String yamlName() {
        return yamlName;
    }

    /**
     * The mode a spec names.
     *
     * @throws IllegalArgumentException for any other name
     */
    @JsonCreator
    public static SourceMode of(String name) {
        for (SourceMode m : values()) {
            if (m.yamlName.equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("source.mode must be pubsub or streams, was '" + name + "'");
    }

    @Override
    public String toString() {
        return yamlName;
    }
}
