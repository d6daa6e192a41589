package io.github.eegstream.redis;

import io.github.eegstream.connector.redis.ClusterUrl;
import io.github.eegstream.connector.redis.RedisClientFactory;
import io.github.eegstream.connector.redis.ShardedSubscriber;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Where Redis is: a {@code redis://} or {@code rediss://} URL, which may carry user and password,
 * and for {@code rediss://} what the TLS connection trusts ({@link RedisTls}). Every Lettuce client
 * of the project is made here. Serializable, so Flink operators carry it to the cluster; its
 * {@code toString} never shows the password.
 */
public record RedisEndpoint(String url, RedisTls tls) implements Serializable, RedisClientFactory {

    public static final String DEFAULT_URL = "redis://127.0.0.1:6379";
    public static final String ENV = "REDIS_URL";

    public RedisEndpoint {
        RedisURI uri;
        try {
            uri = ClusterUrl.isCluster(url) ? ClusterUrl.seeds(url).get(0) : RedisURI.create(url);
        } catch (RuntimeException e) {
            // The message must not echo the password; Lettuce's own may, so it is not kept as the cause.
            throw new IllegalArgumentException("invalid Redis URL '" + redact(url)
                    + "': expected redis://[user:password@]host:port[/db] or rediss://... for TLS, or"
                    + " redis-cluster://[user:password@]host1:port1,host2:port2 (rediss-cluster://... for TLS) for a Redis Cluster");
        }
        if (uri.isSsl() && uri.getVerifyMode() != SslVerifyMode.FULL) {
            throw new IllegalArgumentException("Redis URL '" + redact(url) + "' turns certificate verification off:"
                    + " that is not supported; give the CA that signed Redis's certificate with --redis-ca-cert or $"
                    + RedisTls.CA_ENV);
        }
        if (tls == null) {
            tls = RedisTls.DEFAULTS;
        }
        if (!uri.isSsl() && tls.isSet()) {
            // Ignoring it would send EEG and the password in clear to a Redis the user meant to verify.
            throw new IllegalArgumentException("a " + (tls.caPem() != null ? "CA certificate (" + tls.caSource() + ")"
                    : "client certificate") + " is given (--redis-ca-cert, --redis-client-cert or $" + RedisTls.CA_ENV
                    + ", $" + RedisTls.CLIENT_CERT_ENV + "), but the Redis URL '" + redact(url) + "' is not TLS: use rediss://"
                    + " (Redis's TLS port), or drop the certificate settings for a plain connection");
        }
    }

    /**
     * The URL, with TLS settings from the system properties or the environment
     * ({@link RedisTls#configured()}); refused if they are set and the URL is not TLS.
     */
    public RedisEndpoint(String url) {
        this(url, RedisTls.configured());
    }

    /** The explicit URL if given, else {@code $REDIS_URL}, else {@value #DEFAULT_URL}. */
    public static RedisEndpoint resolve(String explicitUrl) {
        return resolve(explicitUrl, null);
    }

    /**
     * As {@link #resolve(String)}, trusting {@code tls} (a command's own options, {@link RedisTlsOptions#tls()});
     * null for the system properties or the environment.
     */
    public static RedisEndpoint resolve(String explicitUrl, RedisTls tls) {
        String env = System.getenv(ENV);
        String url = explicitUrl != null && !explicitUrl.isBlank() ? explicitUrl
                : env != null && !env.isBlank() ? env : DEFAULT_URL;
        return tls == null ? new RedisEndpoint(url) : new RedisEndpoint(url, tls);
    }

    /** This endpoint with other TLS settings. */
    public RedisEndpoint withTls(RedisTls other) {
        return new RedisEndpoint(url, other);
    }

    /** True for {@code rediss://}. */
    public boolean isTls() {
        return isTlsUrl(url);
    }

    /** True for {@code redis-cluster://} and {@code rediss-cluster://}: sharded pub/sub over the cluster's masters. */
    @Override
    public boolean isCluster() {
        return ClusterUrl.isCluster(url);
    }

    /** TLS as Lettuce decides it: {@code rediss://}, {@code redis+ssl://}, {@code redis+tls://}, {@code rediss-sentinel://}; and {@code rediss-cluster://}. */
    private static boolean isTlsUrl(String url) {
        if (url == null) {
            return false;
        }
        if (ClusterUrl.isCluster(url)) {
            return ClusterUrl.isTls(url);
        }
        try {
            return RedisURI.create(url).isSsl();
        } catch (RuntimeException e) {
            return url.regionMatches(true, 0, "rediss", 0, 6); // invalid anyway: the constructor says so
        }
    }

    /** A client with the options every component uses: reconnect on loss, bounded command timeouts. */
    public RedisClient createClient() {
        return createClient(null);
    }

    /** As {@link #createClient()}, its connections named {@code clientName} in Redis's CLIENT LIST. */
    @Override
    public RedisClient createClient(String clientName) {
        // For a cluster: the first seed node (what needs no routing: a classic PUBLISH reaches every node).
        return nodeClient(isCluster() ? ClusterUrl.seeds(url).get(0) : RedisURI.create(url), clientName, Duration.ofSeconds(5), true);
    }

    /** A client of one node on the shared resources, reconnecting by itself or not. */
    private RedisClient nodeClient(RedisURI uri, String clientName, Duration connectTimeout, boolean autoReconnect) {
        if (clientName != null) {
            uri.setClientName(clientName);
        }
        // The options first (reading TLS files may fail): a client is made, and holds the shared
        // resources, only once nothing more can fail.
        ClientOptions options = options(connectTimeout, autoReconnect)
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(10))).build();
        RedisClient client = new ReconnectingClient(uri, this);
        client.setOptions(options);
        return client;
    }

    /**
     * A cluster client (only for {@link #isCluster()}): it follows the topology (every 30 s, and at
     * once on a redirect or a lost node: {@link ShardedSubscriber#clusterOptions}) and holds the shared resources as {@link #createClient} does.
     */
    @Override
    public RedisClusterClient createClusterClient(String clientName) {
        if (!isCluster()) {
            throw new UnsupportedOperationException(redacted() + " is not a Redis Cluster (redis-cluster://...)");
        }
        java.util.List<RedisURI> seeds = ClusterUrl.seeds(url);
        if (clientName != null) {
            seeds.forEach(s -> s.setClientName(clientName));
        }
        var options = ShardedSubscriber.clusterOptions(options(Duration.ofSeconds(5), true)
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(10))));
        ClusterClient client = new ClusterClient(seeds);
        client.setOptions(options);
        return client;
    }

    /** A client for one node of the cluster, with its credentials and TLS, which does not reconnect by itself. */
    @Override
    public RedisClient createNodeClient(String host, int port, String clientName) {
        if (!isCluster()) {
            throw new UnsupportedOperationException(redacted() + " is not a Redis Cluster (redis-cluster://...)");
        }
        return nodeClient(ClusterUrl.node(ClusterUrl.seeds(url).get(0), host, port), clientName, Duration.ofSeconds(2), false);
    }

    /** A cluster client on the shared resources, given back at its shutdown. */
    private static final class ClusterClient extends RedisClusterClient {
        private final AtomicBoolean released = new AtomicBoolean();

        ClusterClient(Iterable<RedisURI> seeds) {
            super(SharedClientResources.acquire(), seeds);
        }

        @Override
        public CompletableFuture<Void> shutdownAsync(long quietPeriod, long timeout, TimeUnit timeUnit) {
            return super.shutdownAsync(quietPeriod, timeout, timeUnit).handle((done, error) -> null)
                    .thenCompose(ignored -> released.compareAndSet(false, true)
                            ? SharedClientResources.release(quietPeriod, timeout, timeUnit)
                            : CompletableFuture.completedFuture(null));
        }
    }

    private ClientOptions.Builder options(Duration connectTimeout, boolean reconnect) {
        ClientOptions.Builder options = ClientOptions.builder()
                .autoReconnect(reconnect)
                .protocolVersion(RedisClientFactory.protocol(isCluster()))
                // Lettuce's default keeps read bytes in its aggregation buffer until a ratio is
                // passed: with large messages a subscriber then reads slower than one publisher
                // sends (448 of 485 MB/s of 2 MiB messages, measured), and Redis disconnects it.
                // Discarding read bytes whenever half the buffer is read keeps up (567 MB/s).
                .decodeBufferPolicy(io.lettuce.core.protocol.DecodeBufferPolicies.alwaysSome())
                .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).build());
        if (isTls()) {
            options.sslOptions(sslOptions());
        }
        return options;
    }

    private SslOptions sslOptions() {
        SslOptions.Builder ssl = SslOptions.builder().jdkSslProvider().handshakeTimeout(Duration.ofSeconds(5));
        if (tls.caPem() != null) {
            ssl.trustManager(RedisTls.resource(tls.caPem()));
        }
        if (tls.mutual()) {
            ssl.keyManager(RedisTls.resource(tls.clientCertPem()), RedisTls.resource(tls.clientKeyPem()), null);
        }
        return ssl.build();
    }

    /**
     * A client on the process's {@link SharedClientResources} (which retry a lost connection every
     * 10 ms to 1 s); its shutdown gives them back, and the last client's shutdown releases them. A
     * connection refused for its TLS certificate fails with a message that says so, and which CA
     * was used.
     */
    private static final class ReconnectingClient extends RedisClient {
        private final RedisEndpoint endpoint;
        private final AtomicBoolean released = new AtomicBoolean();

        ReconnectingClient(RedisURI uri, RedisEndpoint endpoint) {
            super(SharedClientResources.acquire(), uri);
            this.endpoint = endpoint;
        }

        @Override
        public <K, V> StatefulRedisConnection<K, V> connect(RedisCodec<K, V> codec) {
            return endpoint.explained(() -> super.connect(codec));
        }

        @Override
        public <K, V> StatefulRedisPubSubConnection<K, V> connectPubSub(RedisCodec<K, V> codec) {
            return endpoint.explained(() -> super.connectPubSub(codec));
        }

        @Override
        public CompletableFuture<Void> shutdownAsync(long quietPeriod, long timeout, TimeUnit timeUnit) {
            // Shared resources are never shut down by RedisClient itself; this client gives its hold back once.
            // Given back whether or not the client's own shutdown went well.
            return super.shutdownAsync(quietPeriod, timeout, timeUnit).handle((done, error) -> null)
                    .thenCompose(ignored -> released.compareAndSet(false, true)
                            ? SharedClientResources.release(quietPeriod, timeout, timeUnit)
                            : CompletableFuture.completedFuture(null));
        }
    }

    /** Runs {@code connect}; a failure of TLS becomes one clear error (there is no point retrying it). */
    private <T> T explained(Supplier<T> connect) {
        try {
            return connect.get();
        } catch (RedisConnectionException e) {
            String tlsProblem = tlsProblem(e);
            if (tlsProblem == null) {
                throw e;
            }
            throw new RedisConnectionException("TLS to " + redacted() + " failed: " + tlsProblem + " (trusting "
                    + tls.trustDescription() + "). Check that --redis-ca-cert or $" + RedisTls.CA_ENV
                    + " names the CA that signed Redis's certificate, and that the certificate names the host", e);
        }
    }

    private static String tlsProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException || t instanceof java.security.cert.CertificateException) {
                Throwable root = t;
                while (root.getCause() != null) {
                    root = root.getCause();
                }
                String why = root.getMessage() != null ? root.getMessage() : root.toString();
                if (why.contains("PKIX path") || why.contains("unable to find valid certification path")) {
                    return "Redis's certificate is not signed by a trusted CA (" + why + ")";
                }
                if (why.contains("No subject alternative") || why.contains("No name matching")) {
                    return "Redis's certificate does not name this host (" + why + ")";
                }
                return why;
            }
        }
        return null;
    }

    /** True if a Redis answers PING at this URL within the timeout. */
    public boolean isReachable(Duration timeout) {
        RedisURI uri = isCluster() ? ClusterUrl.seeds(url).get(0) : RedisURI.create(url);
        uri.setTimeout(timeout);
        ClientOptions options;
        try {
            options = options(timeout, false).build();
        } catch (RuntimeException e) {
            return false;
        }
        RedisClient client = RedisClient.create(SharedClientResources.acquire(), uri);
        try {
            client.setOptions(options);
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                return "PONG".equals(c.sync().ping());
            }
        } catch (RuntimeException e) {
            return false;
        } finally {
            try {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            } catch (RuntimeException ignored) {
                // the hold is given back below all the same
            } finally {
                SharedClientResources.release(0, 1, TimeUnit.SECONDS).join();
            }
        }
    }

    /** The URL without its password, for messages and logs. */
    @Override
    public String redacted() {
        return redact(url);
    }

    /**
     * {@code text} with the password of every Redis URL in it hidden: {@code redis://user:***@host}
     * (and {@code redis://***@host} where the password stands alone).
     */
    public static String redact(String text) {
        return io.github.eegstream.connector.redis.RedisClientFactory.redact(text); // one rule for both
    }

    @Override
    public String toString() {
        return redacted();
    }
}
