package io.github.eegstream.connector.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** {@link RedisClientFactory#fromUrl}: Lettuce's defaults, with reconnect and bounded timeouts. */
final class UrlClientFactory implements RedisClientFactory {

    private final String url;

    UrlClientFactory(String url) {
        Objects.requireNonNull(url, "url");
        if (ClusterUrl.isCluster(url)) {
            ClusterUrl.seeds(url); // validates, without echoing the password
        } else {
            try {
                RedisURI.create(url);
            } catch (RuntimeException e) {
                // Lettuce's message may echo the password: it is not kept as the cause.
                throw new IllegalArgumentException("invalid Redis URL '" + RedisClientFactory.redact(url) + "'");
            }
        }
        this.url = url;
    }

    @Override
    public boolean isCluster() {
        return ClusterUrl.isCluster(url);
    }

    @Override
    public RedisClient createClient(String clientName) {
        RedisURI uri = isCluster() ? ClusterUrl.seeds(url).get(0) : RedisURI.create(url);
        if (clientName != null) {
            uri.setClientName(clientName);
        }
        RedisClient client = RedisClient.create(uri);
        client.setOptions(options(true, isCluster()).build());
        return client;
    }

    @Override
    public RedisClusterClient createClusterClient(String clientName) {
        List<RedisURI> seeds = ClusterUrl.seeds(url);
        if (clientName != null) {
            seeds.forEach(s -> s.setClientName(clientName));
        }
        RedisClusterClient client = RedisClusterClient.create(seeds);
        client.setOptions(ShardedSubscriber.clusterOptions(options(true, true)));
        return client;
    }

    @Override
    public RedisClient createNodeClient(String host, int port, String clientName) {
        RedisURI uri = ClusterUrl.node(ClusterUrl.seeds(url).get(0), host, port);
        if (clientName != null) {
            uri.setClientName(clientName);
        }
        RedisClient client = RedisClient.create(uri);
        client.setOptions(options(false, true).build());
        return client;
    }

    private static ClientOptions.Builder options(boolean reconnect, boolean cluster) {
        return ClientOptions.builder()
                .autoReconnect(reconnect)
                .protocolVersion(RedisClientFactory.protocol(cluster))
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(5)).build())
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(10)));
    }

    @Override
    public String redacted() {
        return RedisClientFactory.redact(url);
    }


    @Override
    public String toString() {
        return redacted();
    }
}
