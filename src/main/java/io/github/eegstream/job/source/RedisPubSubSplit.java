package io.github.eegstream.job.source;

import org.apache.flink.api.connector.source.SourceSplit;

/** One Redis channel pattern, read by exactly one reader at a time. */
public record RedisPubSubSplit(String pattern) implements SourceSplit {

    public RedisPubSubSplit {
        if (pattern == null || pattern.isEmpty()) {
            throw new IllegalArgumentException("a split needs a channel pattern");
        }
    }

    @Override
    public String splitId() {
        return pattern;
    }
}
