package io.github.eegstream.connector.redis.source.streams;

/** A split being read: its position moves with every entry emitted. Task thread only. */
final class RedisStreamSplitState {

    private final String key;
    private String lastId;

    RedisStreamSplitState(RedisStreamSplit split) {
        this.key = split.key();
        this.lastId = split.lastId();
    }

    void advanceTo(String entryId) {
        lastId = entryId;
    }

    RedisStreamSplit toSplit() {
        return new RedisStreamSplit(key, lastId);
    }
}
