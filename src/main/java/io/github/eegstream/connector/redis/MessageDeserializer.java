package io.github.eegstream.connector.redis;

import java.io.Serializable;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;

/**
 * Turns a Redis message (published on a channel, or a stream entry's payload under its key, which
 * bears the channel's name) into a record. Runs on the task thread, never on Redis's I/O thread.
 *
 * <p>A message that cannot be turned into a record is rejected by throwing: the reader counts it
 * under {@link #rejectReason}, logs a sample of rejects, skips it and goes on.
 */
public interface MessageDeserializer<T> extends Serializable, ResultTypeQueryable<T> {

    T deserialize(String channelOrKey, byte[] message) throws Exception;

    /**
     * As {@link #deserialize(String, byte[])}, for a message the reader received at
     * {@code receivedMillis} (wall clock): a deserializer that cares when messages arrived
     * overrides this.
     */
    default T deserialize(String channelOrKey, byte[] message, long receivedMillis) throws Exception {
        return deserialize(channelOrKey, message);
    }

    /**
     * A durable stream lost entries before they were read: those after {@code lastReadId} and
     * before {@code firstRetainedId} (stream entry ids; the latter null if nothing is left) were
     * trimmed, because the stream's retention ran out while the reader was down or behind. Return
     * a record that tells the job of it, or null (the default) for none; it is counted either way.
     */
    default T retentionGap(String key, String lastReadId, String firstRetainedId) {
        return null;
    }

    /** The name a rejected message is counted under, in the reader's {@code rejected} metric group. */
    default String rejectReason(Exception e) {
        return RejectReasons.INVALID;
    }
}
