package io.github.eegstream.connector.redis.source.streams;

import org.apache.flink.api.connector.source.SourceSplit;

/**
 * One Redis Stream (one user's {@code user:{id}:raw}) and the id of the last entry read from it:
 * checkpointed, so a restored job reads on from exactly where its checkpoint was taken.
 *
 * @param key the stream's key
 * @param lastId the last entry read, {@code 0-0} for none (read from the oldest retained entry)
 */
public record RedisStreamSplit(String key, String lastId) implements SourceSplit {

    public static final String BEGINNING = "0-0";

    @Override
    public String splitId() {
        return key;
    }
}
