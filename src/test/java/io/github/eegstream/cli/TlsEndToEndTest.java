package io.github.eegstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.dashboard.Dashboard;
import io.github.eegstream.dashboard.DashboardAccess;
import io.github.eegstream.spec.JobSpec;
import io.github.eegstream.spec.JobSpecs;
import io.github.eegstream.record.Recorder;
import io.github.eegstream.redis.RedisEndpoint;
import io.github.eegstream.redis.RedisTls;
import io.github.eegstream.relay.Relay;
import io.github.eegstream.relay.SimulatedSource;
import io.github.eegstream.testing.CliRun;
import io.github.eegstream.testing.RunningJob;
import io.github.eegstream.testing.TestFlink;
import io.github.eegstream.testing.TestRedis;
import io.github.eegstream.testing.TlsRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Everything over {@code rediss://} to a TLS-only redis-server of the test's own, its certificate
 * checked against the test's CA, given per endpoint and per command ({@code --redis-ca-cert}),
 * never JVM-wide, so no other test in this JVM inherits it: a relay and the
 * job (pub/sub, and durable streams) deliver predictions, and the dashboard, the recorder,
 * {@code eeg subscribe} and {@code eeg publish} work. A wrong CA, or none, fails at once and says
 * why; verification cannot be turned off; mutual TLS works with a client certificate; a CA with
 * a plain {@code redis://} URL is refused.
 */
class TlsEndToEndTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.miniCluster();

    private static TlsRedis redis;

    @TempDir
    Path dir;

    @BeforeAll
    static void startTlsRedis() throws Exception {
        redis = TlsRedis.start(false);
    }

    @AfterAll
    static void stopTlsRedis() throws Exception {
        redis.close();
    }

    @AfterEach
    void nothingIsLeftJvmWide() {
        assertNull(System.getProperty(RedisTls.CA_PROPERTY), "--redis-ca-cert is the command's own, not the JVM's");
        assertEquals(RedisTls.DEFAULTS, new RedisEndpoint("redis://127.0.0.1:6379").tls(), "a later plain endpoint is plain");
    }

    /** The test's TLS Redis, trusting its CA: what --redis-ca-cert gives a command. */
    private static JobSpec overTls(JobSpec spec) {
        return spec.withRedisUrl(redis.url()).withRedisTls(redis.tls(redis.caCert(), false));
    }

    @Test
    void relayJobDashboardRecorderSubscribeAndPublishOverTls() throws Exception {
        String user = TestRedis.uniqueUser("tls");
        RedisEndpoint endpoint = redis.endpoint(false);
        List<String> screen = new CopyOnWriteArrayList<>();
        List<String> recorderScreen = new CopyOnWriteArrayList<>();
        RedisClient relayClient = endpoint.createClient();
        Path bdf = dir.resolve("tls.bdf");
        try (RunningJob job = RunningJob.start(overTls(JobSpecs.load("default")));
                Dashboard dashboard = new Dashboard(endpoint, "127.0.0.1", 0, DashboardAccess.random());
                Recorder recorder = new Recorder(endpoint, Recorder.files(bdf, List.of(user)), 0, recorderScreen::add);
                Relay relay = new Relay(new Relay.Options(user, 16, null), new SimulatedSource(8, 256, 5), relayClient,
                        screen::add).start()) {
            assertTrue(await(() -> screen.stream().anyMatch(l -> l.contains(user + "  prediction"))),
                    "the job's predictions reach the relay over TLS: " + screen);
            assertNull(relay.failure());
            // eeg subscribe, with the CA as an option.
            CliRun sub = CliRun.of("subscribe", user, "predictions", "--count", "1", "--redis", redis.url(),
                    "--redis-ca-cert", redis.caCert().toString());
            assertEquals(0, sub.exit(), sub.all());
            assertTrue(sub.out().contains(user + "  prediction"), sub.all());
            // eeg publish: a command the relay obeys and shows.
            CliRun pub = CliRun.of("publish", user, "commands", "{\"command\": \"set\", \"args\": {\"workload\": 0.1}}",
                    "--redis", redis.url(), "--redis-ca-cert", redis.caCert().toString());
            assertEquals(0, pub.exit(), pub.all());
            assertTrue(await(() -> screen.stream().anyMatch(l -> l.contains("command set"))), "the relay got it: " + screen);
            // The dashboard lists the user.
            HttpClient http = HttpClient.newHttpClient();
            String url = dashboard.url();
            String token = url.substring(url.indexOf("token=") + 6);
            HttpRequest live = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dashboard.port() + "/api/live"))
                    .header("Authorization", "Bearer " + token).build();
            assertTrue(await(() -> send(http, live).contains(user)), "the dashboard shows the user");
            // The recorder writes samples.
            assertTrue(await(() -> size(bdf) > 10_000), "the recorder writes the user's EEG: " + size(bdf) + " " + recorderScreen);
        } finally {
            relayClient.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    @Test
    void durableRelayAndStreamsJobOverTls() throws Exception {
        String user = TestRedis.uniqueUser("tls-durable");
        JobSpec spec = overTls(JobSpecs.load("durable"));
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir.resolve("checkpoints").toUri().toString());
        List<String> screen = new CopyOnWriteArrayList<>();
        RedisClient relayClient = redis.endpoint(false).createClient();
        // A fresh Redis: the sink loads its function library itself (this Redis's default user may).
        try (RunningJob job = RunningJob.start(spec, conf);
                Relay relay = new Relay(new Relay.Options(user, 16, null).withDurableRetention(Duration.ofMinutes(2)),
                        new SimulatedSource(8, 256, 6), relayClient, screen::add).start()) {
            assertTrue(await(() -> screen.stream().anyMatch(l -> l.contains(user + "  prediction"))),
                    "durable mode predicts over TLS: " + screen);
            assertTrue(redis.cli("FUNCTION", "LIST", "LIBRARYNAME", "eegstream").contains("eegstream_publish_once"));
        } finally {
            relayClient.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            redis.cli("DEL", "user:" + user + ":raw");
        }
    }

    @Test
    void aWrongCaFailsAtOnceAndSaysSo() throws Exception {
        RedisEndpoint wrong = new RedisEndpoint(redis.url(), redis.tls(redis.otherCaCert(), false));
        long start = System.nanoTime();
        RedisClient client = wrong.createClient();
        try {
            RedisConnectionException e = assertThrows(RedisConnectionException.class, client::connect);
            assertTrue(e.getMessage().contains("TLS to rediss://127.0.0.1:") && e.getMessage().contains("not signed by a trusted CA")
                    && e.getMessage().contains(redis.otherCaCert().toString()), e.getMessage());
            assertThrows(RedisConnectionException.class, client::connectPubSub);
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10, "at once, not after retries");
        // No CA at all: the JDK's CAs do not know the test's CA either.
        RedisClient defaults = new RedisEndpoint(redis.url(), RedisTls.DEFAULTS).createClient();
        try {
            RedisConnectionException e = assertThrows(RedisConnectionException.class, defaults::connect);
            assertTrue(e.getMessage().contains("the JDK's trusted CAs") && e.getMessage().contains("REDIS_CA_CERT"), e.getMessage());
        } finally {
            defaults.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
        // The command line: one clear line, exit 2.
        CliRun run = CliRun.of("publish", "jamie", "commands", "{\"command\": \"pause\"}", "--redis", redis.url(),
                "--redis-ca-cert", redis.otherCaCert().toString());
        assertEquals(2, run.exit(), run.all());
        assertTrue(run.err().contains("not signed by a trusted CA") && !run.err().contains("\tat "), run.all());
        // A missing CA file is an error of its own.
        CliRun missing = CliRun.of("publish", "jamie", "commands", "{\"command\": \"pause\"}", "--redis", redis.url(),
                "--redis-ca-cert", dir.resolve("nope.crt").toString());
        assertEquals(2, missing.exit(), missing.all());
        assertTrue(missing.err().contains("cannot read the CA certificate file"), missing.all());
    }

    @Test
    void verificationCannotBeTurnedOff() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RedisEndpoint("rediss://u:hunter2secret@127.0.0.1:6380?verifyPeer=NONE"));
        assertTrue(e.getMessage().contains("turns certificate verification off") && !e.getMessage().contains("hunter2secret"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RedisEndpoint("rediss://127.0.0.1:6380?verifyPeer=CA"));
    }

    @Test
    void mutualTlsWithAClientCertificate() throws Exception {
        try (TlsRedis strict = TlsRedis.start(true)) {
            RedisClient without = new RedisEndpoint(strict.url(), strict.tls(strict.caCert(), false)).createClient();
            try {
                assertThrows(RedisConnectionException.class, () -> without.connect().sync().ping(),
                        "a client without a certificate is refused");
            } finally {
                without.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            }
            RedisClient with = strict.endpoint(true).createClient();
            try (StatefulRedisConnection<String, String> c = with.connect()) {
                assertEquals("PONG", c.sync().ping());
            } finally {
                with.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            }
            // The command line's options, for that command only.
            CliRun pub = CliRun.of("publish", "jamie", "commands", "{\"command\": \"pause\"}", "--redis", strict.url(),
                    "--redis-ca-cert", strict.caCert().toString(), "--redis-client-cert", strict.clientCert().toString(),
                    "--redis-client-key", strict.clientKey().toString());
            assertEquals(0, pub.exit(), pub.all());
        }
    }

    @Test
    void aCaWithAPlainRedisUrlIsRefusedNotIgnored() {
        // Ignored, it would send the password and EEG in clear to a Redis one meant to verify.
        CliRun pub = CliRun.of("publish", "jamie", "commands", "{\"command\": \"pause\"}",
                "--redis", redis.url().replace("rediss://", "redis://u:hunter2-secret@"), "--redis-ca-cert", redis.caCert().toString());
        assertEquals(2, pub.exit(), pub.all());
        assertTrue(pub.err().contains("is not TLS: use rediss://") && pub.err().contains(redis.caCert().toString())
                && !pub.err().contains("hunter2-secret") && !pub.err().contains("\tat "), pub.all());
        CliRun sub = CliRun.of("subscribe", "jamie", "predictions", "--count", "1", "--redis", "redis://127.0.0.1:6379",
                "--redis-ca-cert", redis.caCert().toString());
        assertEquals(2, sub.exit(), sub.all());
        assertTrue(sub.err().contains("is not TLS"), sub.all());
        // The job's options too: refused before anything starts.
        io.github.eegstream.job.JobOptions options = new io.github.eegstream.job.JobOptions();
        new picocli.CommandLine(options).parseArgs("--redis", "redis://127.0.0.1:6379", "--redis-ca-cert", redis.caCert().toString());
        assertThrows(IllegalArgumentException.class, () -> options.resolve().redis().endpoint());
    }

    private static String send(HttpClient http, HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static long size(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    private static boolean await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return condition.getAsBoolean();
    }
}
