package io.github.eegstream.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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
        RedisClient client = new ReconnectingClient(uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(5)).build())
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(10)))
                .build());
        return client;
    }

    /**
     * A client that retries a lost connection every 10 ms to 1 s (Lettuce's default backs off to
     * 30 s, which would keep a relay waiting long after Redis is back), with resources of its own
     * that its shutdown releases.
     */
    private static final class ReconnectingClient extends RedisClient {
        private final ClientResources resources;

        ReconnectingClient(RedisURI uri) {
            this(DefaultClientResources.builder()
                    .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                    .build(), uri);
        }

        private ReconnectingClient(ClientResources resources, RedisURI uri) {
            super(resources, uri);
            this.resources = resources;
        }

        @Override
        public CompletableFuture<Void> shutdownAsync(long quietPeriod, long timeout, TimeUnit timeUnit) {
            return super.shutdownAsync(quietPeriod, timeout, timeUnit).thenCompose(done -> {
                CompletableFuture<Void> released = new CompletableFuture<>();
                resources.shutdown(quietPeriod, timeout, timeUnit).addListener(f -> released.complete(null));
                return released;
            });
        }
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
