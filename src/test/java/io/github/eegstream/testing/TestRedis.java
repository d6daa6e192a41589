package io.github.eegstream.testing;

import io.github.eegstream.redis.LocalRedis;
import io.github.eegstream.redis.RedisEndpoint;
import io.lettuce.core.RedisClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;

/**
 * The Redis every test uses: {@code $REDIS_URL} or 127.0.0.1:6379 if one answers there, else an
 * embedded redis-server started once for the whole run. Tests keep apart by unique user ids.
 */
public final class TestRedis {

    private static LocalRedis redis;
    private static RedisClient client;

    private TestRedis() {}

    public static synchronized RedisEndpoint endpoint() {
        if (redis == null) {
            try {
                redis = LocalRedis.reachableOrEmbedded(RedisEndpoint.resolve(null));
            } catch (IOException e) {
                throw new UncheckedIOException("no Redis answers and none could be started", e);
            }
            System.err.println("Tests use " + (redis.isEmbedded() ? "an embedded Redis at " : "the Redis at ")
                    + redis.endpoint());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    redis.close();
                } catch (IOException ignored) {
                    // the process is ending
                }
            }));
        }
        return redis.endpoint();
    }

    /** A client shared by the tests (thread-safe); do not shut it down. */
    public static synchronized RedisClient client() {
        if (client == null) {
            client = endpoint().createClient();
        }
        return client;
    }

    /** The test Redis's major version (ACL selectors need 7). */
    public static int majorVersion() {
        try (var c = client().connect()) {
            String version = c.sync().info("server").lines().filter(l -> l.startsWith("redis_version:")).findFirst()
                    .orElse("redis_version:0").substring("redis_version:".length()).trim();
            return Integer.parseInt(version.split("\\.")[0]);
        }
    }

    /** Fails the test (never skips it) if the test Redis is older than {@code major}. */
    public static void requireMajorVersion(int major) {
        int version = majorVersion();
        if (version < major) {
            throw new AssertionError("this test needs Redis " + major + " or later, and " + endpoint() + " runs Redis " + version
                    + ": install a current redis-server (.ci/run starts it)");
        }
    }

    /** A user id no other test (or earlier run) uses. */
    public static String uniqueUser(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
