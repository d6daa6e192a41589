package io.github.eegstream.connector.redis;

import io.lettuce.core.RedisClient;
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
     * A factory for a {@code redis://} or {@code rediss://} URL (which may carry user and password),
     * with the options the connector expects: reconnect on loss, 5 s connect and 10 s command timeouts.
     */
    static RedisClientFactory fromUrl(String url) {
        return new UrlClientFactory(url);
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
