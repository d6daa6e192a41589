package io.github.eegstream.connector.redis.source.pubsub;

import org.apache.flink.api.connector.source.SourceSplit;

/**
 * One Redis channel pattern, read by exactly one reader at a time.
 *
 * @param index the split's place among the source's splits: split i goes to reader i mod p
 */
public record RedisPubSubSplit(String pattern, int index) implements SourceSplit {

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
