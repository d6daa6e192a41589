package io.github.eegstream.connector.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import java.time.Duration;
import java.util.Objects;

/** {@link RedisClientFactory#fromUrl}: Lettuce's defaults, with reconnect and bounded timeouts. */
final class UrlClientFactory implements RedisClientFactory {

    private final String url;

    UrlClientFactory(String url) {
        try {
            RedisURI.create(Objects.requireNonNull(url, "url"));
        } catch (RuntimeException e) {
            // Lettuce's message may echo the password: it is not kept as the cause.
            throw new IllegalArgumentException("invalid Redis URL '" + RedisClientFactory.redact(url) + "'");
        }
        this.url = url;
    }

    @Override
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

    @Override
    public String redacted() {
        return RedisClientFactory.redact(url);
    }


    @Override
    public String toString() {
        return redacted();
    }
}
