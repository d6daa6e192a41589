package io.github.eegstream.cli;

import io.github.eegstream.redis.RedisEndpoint;
import picocli.CommandLine.Option;

/** {@code --redis URL}, shared by every command that talks to Redis. */
final class RedisOption {

    @Option(names = "--redis", paramLabel = "URL",
            description = "Redis URL, e.g. redis://user:password@host:6379 (default: $REDIS_URL, else redis://127.0.0.1:6379).")
    String url;

    RedisEndpoint endpoint() {
        return RedisEndpoint.resolve(url);
    }
}
