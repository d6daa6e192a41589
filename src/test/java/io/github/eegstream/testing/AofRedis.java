package io.github.eegstream.testing;

import io.github.eegstream.redis.RedisEndpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    /** Copies the append-only files as they are now (Redis goes on writing). */
    public void snapshot() throws IOException {
        Path copy = dir.resolveSibling(dir.getFileName() + "-snapshot");
        copyTree(dir, copy);
    }

    /**
     * SIGKILL, then the files as {@link #snapshot} found them, and a restart: what a host crash
     * does when the last writes never reached the disk (Redis acknowledged them from the page cache).
     */
    public void crashLosingSinceSnapshot() throws IOException, InterruptedException {
        kill();
        Path copy = dir.resolveSibling(dir.getFileName() + "-snapshot");
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).filter(f -> !f.equals(dir)).forEach(f -> f.toFile().delete());
        }
        copyTree(copy, dir);
        launch();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
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
        for (Path d : List.of(dir, dir.resolveSibling(dir.getFileName() + "-snapshot"))) {
            if (Files.exists(d)) {
                try (var files = Files.walk(d)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        }
    }
}
