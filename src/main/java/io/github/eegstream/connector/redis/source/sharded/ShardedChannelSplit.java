package io.github.eegstream.connector.redis.source.sharded;

import org.apache.flink.api.connector.source.SourceSplit;

/** One channel, SSUBSCRIBEd by exactly one reader (at its slot's master) until the job restarts. */
public record ShardedChannelSplit(String channel) implements SourceSplit {

    public ShardedChannelSplit {
        if (channel == null || channel.isEmpty()) {
            throw new IllegalArgumentException("a split needs a channel");
        }
    }

    @Override
    public String splitId() {
        return channel;
    }
}
