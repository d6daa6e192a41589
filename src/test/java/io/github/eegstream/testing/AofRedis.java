package io.github.eegstream.testing;

import io.github.eegstream.redis.RedisEndpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A plain redis-server of the test's own with an append-only file ({@code appendfsync everysec},
 * as a production Redis keeps one), on a free loopback port, that the test can kill (SIGKILL, as a
 * crash) and start again on the same port and files. Fails loudly if redis-server is missing
 * (.ci/run installs it).
 */
public final class AofRedis implements AutoCloseable {

    private final Path dir;
    private final int port;
    private Process server;

    private AofRedis(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    public static AofRedis start() throws IOException, InterruptedException {
        AofRedis redis = new AofRedis(Files.createTempDirectory("eegstream-aof-"), TlsRedis.freePort());
        redis.launch();
        return redis;
    }

    private void launch() throws IOException, InterruptedException {
        server = new ProcessBuilder(TlsRedis.program("redis-server"), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--save", "", "--appendonly", "yes", "--appendfsync", "everysec")
                .redirectErrorStream(true).start();
        if (!TlsRedis.awaitReady(server)) {
            server.destroyForcibly().waitFor();
            throw new IOException("redis-server with AOF did not start on port " + port);
        }
    }

    public RedisEndpoint endpoint() {
        return new RedisEndpoint("redis://127.0.0.1:" + port);
    }

    /** SIGKILL: no shutdown, no last fsync; what the AOF holds is what survives. */
    public void kill() throws InterruptedException {
        server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /** Starts again on the same port, from the append-only file. */
    public void restart() throws IOException, InterruptedException {
        launch();
    }

    @Override
    public void close() throws IOException {
        if (server != null) {
            server.destroyForcibly();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
