package io.github.eegstream.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.Serializable;
import java.time.Duration;

/**
 * Where Redis is: a {@code redis://} or {@code rediss://} URL, which may carry user and password.
 * Serializable, so Flink operators carry it to the cluster.
 */
public record RedisEndpoint(String url) implements Serializable {

    public static final String DEFAULT_URL = "redis://127.0.0.1:6379";
    public static final String ENV = "REDIS_URL";

    public RedisEndpoint {
        try {
            RedisURI.create(url);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "invalid Redis URL '" + url + "': expected redis://[user:password@]host:port[/db]", e);
        }
    }

    /** The explicit URL if given, else {@code $REDIS_URL}, else {@value #DEFAULT_URL}. */
    public static RedisEndpoint resolve(String explicitUrl) {
        if (explicitUrl != null && !explicitUrl.isBlank()) {
            return new RedisEndpoint(explicitUrl);
        }
        String env = System.getenv(ENV);
        return new RedisEndpoint(env != null && !env.isBlank() ? env : DEFAULT_URL);
    }

    /** A client with the options every component uses: reconnect on loss, bounded command timeouts. */
    public RedisClient createClient() {
        return createClient(null);
    }

    /** As {@link #createClient()}, its connections named {@code clientName} in Redis's CLIENT LIST. */
    public RedisClient createClient(String clientName) {
        RedisURI uri = RedisURI.create(url);
        if (clientName != null) {
            uri.setClientName(clientName);
        }
        RedisClient client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(5)).build())
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(10)))
                .build());
        return client;
    }

    /** True if a Redis answers PING at this URL within the timeout. */
    public boolean isReachable(Duration timeout) {
        RedisURI uri = RedisURI.create(url);
        uri.setTimeout(timeout);
        RedisClient client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(false)
                .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
                .build());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return "PONG".equals(c.sync().ping());
        } catch (RuntimeException e) {
            return false;
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    /** The URL without its password, for messages and logs. */
    public String redacted() {
        return url.replaceFirst("://([^:@/]*):[^@/]*@", "://$1:***@");
    }

    @Override
    public String toString() {
        return redacted();
    }
}
