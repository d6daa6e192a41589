package io.github.eegstream.redis;

import io.github.eegstream.connector.redis.sink.PublishOnceFunction;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * The Redis Function library {@value #LIBRARY} (Redis 7): what the job runs inside Redis, so its
 * Redis user needs FCALL of functions an administrator loaded, not EVAL of any script.
 *
 * <ul>
 *   <li>{@value #PUBLISH_ONCE} (1 key: the channel's sequence key; args: channel, payload,
 *       sequence, seconds to remember it): publishes only beyond the channel's last published
 *       sequence, atomically; returns the receivers, or -1 for a duplicate held back;
 *   <li>{@value #VERSION_FUNCTION}: the library's version, so a client can tell an outdated one.
 * </ul>
 *
 * {@code bin/eeg acl --role job --apply} loads it; the job's sink loads it itself if its user may.
 */
public final class RedisFunctions {

    public static final String LIBRARY = "eegstream";
    public static final String PUBLISH_ONCE = "eegstream_publish_once";
    public static final String VERSION_FUNCTION = "eegstream_version";
    /** Bump when the code changes: an older library is then replaced. */
    public static final long VERSION = 1;

    /** The library's code, as FUNCTION LOAD takes it. Sequences are zero-padded: strings compare as numbers. */
    public static final String CODE = "#!lua name=" + LIBRARY + "\n"
            + "local function publish_once(keys, args)\n"
            + "  local last = redis.call('GET', keys[1])\n"
            + "  if last and last >= args[3] then return -1 end\n"
            + "  redis.call('SET', keys[1], args[3], 'EX', args[4])\n"
            + "  return redis.call('PUBLISH', args[1], args[2])\n"
            + "end\n"
            + "redis.register_function('" + PUBLISH_ONCE + "', publish_once)\n"
            + "redis.register_function{function_name='" + VERSION_FUNCTION + "', callback=function() return " + VERSION
            + " end, flags={'no-writes'}}\n";

    private RedisFunctions() {}

    /**
     * {@value #PUBLISH_ONCE} for the durable sink ({@code RedisPublishSink}'s deduplication): its
     * sequence keys are {@link AclRules#SEQUENCE_KEYS}, which the job's ACL rules grant.
     */
    public static PublishOnceFunction publishOnce() {
        return PublishOnce.INSTANCE;
    }

    private static final class PublishOnce implements PublishOnceFunction {
        static final PublishOnce INSTANCE = new PublishOnce();

        @Override
        public String name() {
            return PUBLISH_ONCE;
        }

        @Override
        public String sequenceKeyPrefix() {
            return AclRules.SEQUENCE_KEYS.replace("*", "");
        }

        @Override
        public void ensureLoaded(RedisCommands<String, String> redis, String where) {
            RedisFunctions.ensureLoaded(redis, where);
        }

        @Override
        public String toString() {
            return PUBLISH_ONCE;
        }
    }

    /** Loads (or replaces) the library; needs FUNCTION LOAD, i.e. an administrator. */
    public static void load(RedisCommands<String, String> admin) {
        admin.functionLoad(CODE, true);
    }

    /**
     * Makes sure the current library is loaded: checks its version, and loads it if it is missing
     * or older and this user may.
     *
     * @throws IllegalStateException if it is missing or outdated and this user may not load it
     */
    public static void ensureLoaded(RedisCommands<String, String> redis, RedisEndpoint where) {
        ensureLoaded(redis, where.redacted());
    }

    private static void ensureLoaded(RedisCommands<String, String> redis, String where) {
        Long version = loadedVersion(redis);
        if (version != null && version >= VERSION) {
            return;
        }
        try {
            load(redis);
        } catch (RedisCommandExecutionException e) {
            throw new IllegalStateException("the Redis function library '" + LIBRARY + "' is "
                    + (version == null ? "not loaded" : "outdated (version " + version + ", need " + VERSION + ")")
                    + " at " + where + " and this Redis user may not load it (" + e.getMessage() + "): load it once with"
                    + " bin/eeg acl --role job --apply (as a Redis administrator)", e);
        }
    }

    /** The loaded library's version, or null if there is none. */
    static Long loadedVersion(RedisCommands<String, String> redis) {
        try {
            return redis.fcall(VERSION_FUNCTION, ScriptOutputType.INTEGER);
        } catch (RedisCommandExecutionException e) {
            if (e.getMessage() != null && e.getMessage().contains("Function not found")) {
                return null;
            }
            throw e;
        }
    }
}
