package io.github.eegstream.connector.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.RedisClusterClient;
import java.io.Serializable;

/**
 * Where the connector's Redis is, and how its Lettuce clients are made: the one thing every
 * source, reader and sink of the connector is given. Serializable, as Flink carries it from the
 * job's main method to the tasks. {@link #fromUrl} is a plain one; an application with TLS
 * settings, credentials or client resources of its own implements this itself.
 */
public interface RedisClientFactory extends Serializable {

    /**
     * A new client, whose connections are named {@code clientName} in Redis's CLIENT LIST (none if
     * null). The connector shuts down every client it creates. Connections should reconnect by
     * themselves and commands time out: the readers rely on Lettuce's reconnect and re-subscribe.
     */
    RedisClient createClient(String clientName);

    /** Where Redis is, for logs and error messages: never with a password. */
    String redacted();

    /**
     * True for a Redis Cluster ({@code redis-cluster://} or {@code rediss-cluster://}): then the
     * connector uses sharded pub/sub (SSUBSCRIBE, SPUBLISH) and {@link #createClusterClient} and
     * {@link #createNodeClient}; otherwise {@link #createClient} only.
     */
    default boolean isCluster() {
        return false;
    }

    /**
     * A new cluster client, following the cluster's topology (the connector shuts it down). Only
     * for {@link #isCluster()} endpoints.
     */
    default RedisClusterClient createClusterClient(String clientName) {
        throw new UnsupportedOperationException(redacted() + " is not a Redis Cluster (redis-cluster://...)");
    }

    /**
     * A new client for one node of the cluster ({@code host:port} as the topology names it), with
     * the cluster's credentials and TLS settings, that does <em>not</em> reconnect by itself: its
     * user re-routes a lost node's subscriptions to wherever the topology says. Only for
     * {@link #isCluster()} endpoints.
     */
    default RedisClient createNodeClient(String host, int port, String clientName) {
        throw new UnsupportedOperationException(redacted() + " is not a Redis Cluster (redis-cluster://...)");
    }

    /**
     * A factory for a {@code redis://} or {@code rediss://} URL (which may carry user and password),
     * or a {@code redis-cluster://host1:port1,host2:port2} one ({@link ClusterUrl}),
     * with the options the connector expects: reconnect on loss, 5 s connect and 10 s command timeouts.
     */
    static RedisClientFactory fromUrl(String url) {
        return new UrlClientFactory(url);
    }

    /**
     * The protocol to speak: RESP2 to a single Redis, where in RESP3 Lettuce decodes every pub/sub
     * message twice (as a push message and as a pub/sub message; at 185,000 messages/s its I/O
     * thread spent about five times as long per message, docs/performance.md); RESP3 to a
     * cluster's nodes, where Lettuce's RESP2 decoder knows message and pmessage but not smessage,
     * and would take a sharded message for the reply to an SSUBSCRIBE in flight.
     */
    static io.lettuce.core.protocol.ProtocolVersion protocol(boolean cluster) {
        return cluster ? io.lettuce.core.protocol.ProtocolVersion.RESP3 : io.lettuce.core.protocol.ProtocolVersion.RESP2;
    }

    /**
     * {@code text} with the password of every Redis URL in it hidden: {@code redis://user:***@host}
     * (and {@code redis://***@host} where the password stands alone). Any scheme Lettuce takes
     * (redis+tls://, rediss-sentinel://, ...), up to the last '@' of the URL, so that a password
     * holding '/' or '@' is hidden whole.
     */
    static String redact(String text) {
        if (text == null) {
            return null;
        }
        return text.replaceAll("(?i)\\b(redis[a-z0-9+.-]*://)([^:@/\\s]*):\\S*@", "$1$2:***@")
                .replaceAll("(?i)\\b(redis[a-z0-9+.-]*://)(?![^@/\\s]*:)[^@/\\s]+@", "$1***@");
    }
}
