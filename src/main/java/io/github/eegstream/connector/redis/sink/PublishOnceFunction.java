package io.github.eegstream.connector.redis.sink;

import io.lettuce.core.api.sync.RedisCommands;
import java.io.Serializable;

/**
 * The Redis function (Redis 7's FUNCTION LOAD) that a deduplicating {@link RedisPublishSink}
 * calls for each {@link Publication} with a sequence, instead of PUBLISH:
 * {@code FCALL name 1 sequenceKey channel payload sequence seconds}, where {@code sequenceKey} is
 * {@link #sequenceKeyPrefix()} followed by the sink's scope, {@code :} and the channel, {@code sequence} is twenty zero-padded
 * digits (so strings compare as numbers) and {@code seconds} is how long to remember it. The
 * function publishes only beyond the last sequence kept at {@code sequenceKey}, keeps the new one,
 * and returns PUBLISH's receivers, or -1 for a duplicate held back. For example:
 *
 * <pre>
 * #!lua name=mylib
 * local function publish_once(keys, args)
 *   local last = redis.call('GET', keys[1])
 *   if last and last &gt;= args[3] then return -1 end
 *   redis.call('SET', keys[1], args[3], 'EX', args[4])
 *   return redis.call('PUBLISH', args[1], args[2])
 * end
 * redis.register_function('mylib_publish_once', publish_once)
 * </pre>
 */
public interface PublishOnceFunction extends Serializable {

    /** The function's name, as FCALL takes it. */
    String name();

    /** What each channel's sequence key starts with. */
    String sequenceKeyPrefix();

    /**
     * Called by each writer before its first publication: makes sure the function is loaded (and
     * loads it, if it may), or throws with a message that says what to do.
     *
     * @param where the Redis, for messages ({@link io.github.eegstream.connector.redis.RedisClientFactory#redacted()})
     */
    void ensureLoaded(RedisCommands<String, String> redis, String where);
}
