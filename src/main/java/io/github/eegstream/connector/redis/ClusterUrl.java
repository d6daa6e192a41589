package io.github.eegstream.connector.redis;

import io.lettuce.core.RedisURI;
import java.util.ArrayList;
import java.util.List;

/**
 * A Redis Cluster URL: {@code redis-cluster://[user:password@]host1:port1,host2:port2[,...]}, or
 * {@code rediss-cluster://...} for TLS. Each host is a seed: the client asks the first that answers
 * for the cluster's topology. User and password (if any) apply to every node.
 */
public final class ClusterUrl {

    public static final String SCHEME = "redis-cluster";
    public static final String TLS_SCHEME = "rediss-cluster";

    private ClusterUrl() {}

    /** True if {@code url} names a Redis Cluster (either scheme, any case). */
    public static boolean isCluster(String url) {
        if (url == null) {
            return false;
        }
        String lower = url.toLowerCase(java.util.Locale.ROOT);
        return lower.startsWith(SCHEME + "://") || lower.startsWith(TLS_SCHEME + "://");
    }

    /** True for {@code rediss-cluster://}. */
    public static boolean isTls(String url) {
        return url != null && url.toLowerCase(java.util.Locale.ROOT).startsWith(TLS_SCHEME + "://");
    }

    /**
     * The seed nodes, each as a {@code redis://} (or {@code rediss://}) URI with the URL's
     * credentials. Throws {@link IllegalArgumentException} (never echoing the password) if it is
     * not a cluster URL of at least one {@code host:port}.
     */
    public static List<RedisURI> seeds(String url) {
        if (!isCluster(url)) {
            throw new IllegalArgumentException("not a Redis Cluster URL: '" + RedisClientFactory.redact(url)
                    + "' (expected redis-cluster://host1:port1,host2:port2)");
        }
        boolean tls = isTls(url);
        String rest = url.substring(url.indexOf("://") + 3);
        int query = rest.indexOf('?');
        if (query >= 0) {
            throw new IllegalArgumentException("a Redis Cluster URL takes no options: '" + RedisClientFactory.redact(url) + "'");
        }
        String userInfo = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            userInfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
        }
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        if (rest.contains("/")) {
            throw new IllegalArgumentException("a Redis Cluster has only database 0: '" + RedisClientFactory.redact(url) + "'");
        }
        List<RedisURI> seeds = new ArrayList<>();
        for (String hostPort : rest.split(",")) {
            hostPort = hostPort.trim();
            int colon = hostPort.lastIndexOf(':');
            if (hostPort.isEmpty() || colon <= 0 || colon == hostPort.length() - 1) {
                throw new IllegalArgumentException("invalid Redis Cluster URL '" + RedisClientFactory.redact(url)
                        + "': every node is host:port, as in redis-cluster://host1:7000,host2:7001");
            }
            String single = (tls ? "rediss://" : "redis://") + (userInfo != null ? userInfo + "@" : "") + hostPort;
            try {
                seeds.add(RedisURI.create(single));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("invalid Redis Cluster URL '" + RedisClientFactory.redact(url) + "'");
            }
        }
        return seeds;
    }

    /** A URI for one node ({@code host:port}) with the credentials and TLS of {@code seed}. */
    public static RedisURI node(RedisURI seed, String host, int port) {
        RedisURI.Builder b = RedisURI.builder(seed);
        b.withHost(host).withPort(port);
        return b.build();
    }
}
