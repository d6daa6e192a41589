package io.github.eegstream.testing;

import io.github.eegstream.redis.RedisEndpoint;
import io.github.eegstream.redis.RedisTls;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A TLS-only redis-server of the test's own ({@code --port 0 --tls-port N}, N a free port, never
 * 6379), with a CA, a server certificate for 127.0.0.1 and localhost, and a client certificate,
 * all made by openssl when it starts. Stopped and its files deleted by {@link #close()}. Fails
 * loudly if redis-server or openssl is missing (.ci/run installs them).
 */
public final class TlsRedis implements AutoCloseable {

    private final Path dir;
    private final Process server;
    private final int port;

    private TlsRedis(Path dir, Process server, int port) {
        this.dir = dir;
        this.server = server;
        this.port = port;
    }

    /** Starts one; {@code requireClientCert} makes it refuse clients without a certificate of its CA. */
    public static TlsRedis start(boolean requireClientCert) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("eegstream-tls-");
        makeCertificates(dir);
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = freePort();
            Process p = new ProcessBuilder(program("redis-server"), "--port", "0", "--tls-port", Integer.toString(port),
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                    "--tls-cert-file", dir.resolve("server.crt").toString(), "--tls-key-file", dir.resolve("server.key").toString(),
                    "--tls-ca-cert-file", dir.resolve("ca.crt").toString(),
                    "--tls-auth-clients", requireClientCert ? "yes" : "no")
                    .redirectErrorStream(true).start();
            if (awaitReady(p)) {
                return new TlsRedis(dir, p, port);
            }
            p.destroyForcibly().waitFor();
            last = new IOException("the TLS redis-server did not start on port " + port);
        }
        throw last;
    }

    /** {@code rediss://127.0.0.1:N}. */
    public String url() {
        return "rediss://127.0.0.1:" + port;
    }

    /** The URL with a user and password. */
    public String url(String user, String password) {
        return "rediss://" + user + ":" + password + "@127.0.0.1:" + port;
    }

    public Path caCert() {
        return dir.resolve("ca.crt");
    }

    /** A CA of its own that signed nothing of this server's: trusting it must fail. */
    public Path otherCaCert() {
        return dir.resolve("other-ca.crt");
    }

    public Path clientCert() {
        return dir.resolve("client.crt");
    }

    public Path clientKey() {
        return dir.resolve("client.key");
    }

    /** The endpoint trusting this server's CA, with the client certificate if {@code mutual}. */
    public RedisEndpoint endpoint(boolean mutual) {
        return new RedisEndpoint(url(), tls(caCert(), mutual));
    }

    /** TLS settings trusting {@code ca}, with this server's client certificate if {@code mutual}. */
    public RedisTls tls(Path ca, boolean mutual) {
        try {
            return new RedisTls(Files.readAllBytes(ca), ca.toString(), mutual ? Files.readAllBytes(clientCert()) : null,
                    mutual ? Files.readAllBytes(clientKey()) : null);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Runs redis-cli against this server (over TLS, as its CA and client certificate allow). */
    public String cli(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(program("redis-cli"), "-h", "127.0.0.1", "-p", Integer.toString(port),
                "--tls", "--cacert", caCert().toString(), "--cert", clientCert().toString(), "--key", clientKey().toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out.trim();
    }

    @Override
    public void close() throws IOException {
        server.destroy();
        try {
            if (!server.waitFor(5, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    /** Waits for the log line that says the server listens (or for it to exit), not a fixed time. */
    static boolean awaitReady(Process p) throws InterruptedException {
        CompletableFuture<Boolean> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.contains("Ready to accept connections")) {
                        ready.complete(true);
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
            ready.complete(false);
        }, "tls-redis-log");
        reader.setDaemon(true);
        reader.start();
        try {
            return ready.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return false;
        }
    }

    private static void makeCertificates(Path dir) throws IOException, InterruptedException {
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=eegstream test CA",
                "-keyout", "ca.key", "-out", "ca.crt");
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=some other CA",
                "-keyout", "other-ca.key", "-out", "other-ca.crt");
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                + "extendedKeyUsage=serverAuth\n");
        openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "server.key", "-out", "server.csr");
        openssl(dir, "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "2", "-extfile", "server.ext", "-out", "server.crt");
        Files.writeString(dir.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
        // -nodes with openssl 3 writes a PKCS#8 key, which is what Lettuce (Netty) reads.
        openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=eegstream test client", "-keyout", "client.key",
                "-out", "client.csr");
        openssl(dir, "x509", "-req", "-in", "client.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "2", "-extfile", "client.ext", "-out", "client.crt");
    }

    private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(program("openssl")));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("openssl " + String.join(" ", args) + " failed: " + out);
        }
    }

    /** The program on the PATH; fails (never skips) if it is missing. */
    static String program(String name) throws IOException {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(java.io.File.pathSeparator)) {
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new IOException(name + " is not installed: the TLS tests need it (.ci/run installs redis-server,"
                + " redis-tools and openssl: apt-get install redis-server redis-tools openssl)");
    }

    static int freePort() throws IOException {
        // Never the shared Redis's or Flink's default port.
        while (true) {
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                int port = s.getLocalPort();
                if (port != 6379 && port != 8081) {
                    return port;
                }
            }
        }
    }
}
