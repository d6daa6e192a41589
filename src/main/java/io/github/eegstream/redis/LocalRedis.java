package io.github.eegstream.redis;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

/**
 * A Redis to use: the one at the given endpoint if it answers, otherwise an embedded
 * redis-server started on a free loopback port (and stopped by {@link #close()}).
 */
public final class LocalRedis implements AutoCloseable {

    private final RedisEndpoint endpoint;
    private final RedisServer embedded;

    private LocalRedis(RedisEndpoint endpoint, RedisServer embedded) {
        this.endpoint = endpoint;
        this.embedded = embedded;
    }

    /**
     * Uses {@code preferred} if it answers PING, else starts an embedded Redis. A {@code rediss://}
     * endpoint is always used: it was asked for by name, and a certificate that does not verify
     * must fail with its own error, not fall back to a plain local Redis.
     */
    public static LocalRedis reachableOrEmbedded(RedisEndpoint preferred) throws IOException {
        if (preferred.isTls() || preferred.isReachable(Duration.ofMillis(500))) {
            return new LocalRedis(preferred, null);
        }
        return startEmbedded();
    }

    /**
     * Starts a redis-server of its own on a free loopback port; it keeps nothing on disk. It runs
     * the {@code redis-server} installed on this machine if there is one (a current Redis, with
     * ACL selectors), else the one bundled with embedded-redis (6.2).
     */
    public static LocalRedis startEmbedded() throws IOException {
        int port = freePort();
        ExecutableProvider executable;
        try {
            executable = ExecutableProvider.newExecutableInPath("redis-server");
        } catch (IOException notInstalled) {
            executable = ExecutableProvider.newJarResourceProvider();
        }
        RedisServer server = RedisServer.newRedisServer()
                .executableProvider(executable)
                .port(port)
                .bind("127.0.0.1")
                .setting("save \"\"")
                .setting("appendonly no")
                .build();
        server.start();
        // Our own plain Redis on loopback: the user's TLS settings are for theirs.
        RedisEndpoint endpoint = new RedisEndpoint("redis://127.0.0.1:" + port, RedisTls.DEFAULTS);
        if (!endpoint.isReachable(Duration.ofSeconds(5))) {
            server.stop();
            throw new IOException("embedded Redis did not answer on port " + port);
        }
        return new LocalRedis(endpoint, server);
    }

    public RedisEndpoint endpoint() {
        return endpoint;
    }

    /** Stops this process's own redis-server, as an outage would (no-op for an external Redis). */
    public void stop() throws IOException {
        if (embedded != null) {
            embedded.stop();
        }
    }

    /** Starts this process's own redis-server again on the same port, empty. */
    public void restart() throws IOException {
        if (embedded != null) {
            embedded.start();
            if (!endpoint.isReachable(Duration.ofSeconds(5))) {
                throw new IOException("embedded Redis did not answer again at " + endpoint);
            }
        }
    }

    /** True if this started its own redis-server. */
    public boolean isEmbedded() {
        return embedded != null;
    }

    @Override
    public void close() throws IOException {
        if (embedded != null) {
            embedded.stop();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
