package io.github.eegstream.cli;

import io.github.eegstream.redis.RedisEndpoint;
import io.github.eegstream.redis.RedisTlsOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code --redis URL}, shared by every command that talks to Redis. */
final class RedisOption {

    @Option(names = "--redis", paramLabel = "URL",
            description = "Redis URL, e.g. redis://host:6379 or rediss://... for TLS, redis-cluster://host1:7000,host2:7001"
                    + " (rediss-cluster://...) for a Redis Cluster (default: $REDIS_URL, else redis://127.0.0.1:6379)."
                    + " A URL with a password belongs in $REDIS_URL: a command line shows in ps.")
    String url;

    @Mixin
    RedisTlsOptions tls;

    RedisEndpoint endpoint() {
        return RedisEndpoint.resolve(url, tls.tls());
    }
}
