package io.github.eegstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.spec.JobSpecs;
import io.github.eegstream.redis.AclRules;
import io.github.eegstream.redis.RedisEndpoint;
import io.github.eegstream.relay.Relay;
import io.github.eegstream.relay.SimulatedSource;
import io.github.eegstream.testing.CliRun;
import io.github.eegstream.testing.RunningJob;
import io.github.eegstream.testing.TestFlink;
import io.github.eegstream.testing.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The rules {@code eeg acl --apply} sets, held against a real Redis 7: a relay for jamie cannot
 * publish to or subscribe to alex's channels, and a relay, a consumer and the job with their own
 * rules do their work end to end.
 */
class AclCommandTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.miniCluster();

    private final String jamie = TestRedis.uniqueUser("jamie");
    private final String alex = TestRedis.uniqueUser("alex");
    private final List<String> redisUsers = new ArrayList<>();
    private final List<RedisClient> clients = new ArrayList<>();

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path checkpoints;

    @BeforeEach
    void needsRedis7() {
        TestRedis.requireMajorVersion(7); // selectors and functions: fails, never skips, on an older Redis
    }

    @AfterEach
    void deleteUsers() {
        clients.forEach(c -> c.shutdown(Duration.ZERO, Duration.ofSeconds(1)));
        try (StatefulRedisConnection<String, String> admin = TestRedis.client().connect()) {
            redisUsers.forEach(u -> admin.sync().aclDeluser(u));
            admin.sync().del("user:" + jamie + ":raw");
        }
    }

    @Test
    void aRelayForJamieCannotTouchAlexsChannels() throws Exception {
        RedisClient relayJamie = clientFor(apply("--role", "relay", "--user", jamie));
        try (StatefulRedisConnection<String, String> c = relayJamie.connect()) {
            assertEquals(0L, c.sync().publish("user:" + jamie + ":raw", "{}"));
            c.sync().xadd("user:" + jamie + ":raw", Map.of("data", "{}"));
            RedisCommandExecutionException refused = assertThrows(RedisCommandExecutionException.class,
                    () -> c.sync().publish("user:" + alex + ":raw", "{}"));
            assertTrue(refused.getMessage().startsWith("NOPERM"), refused.getMessage());
            assertThrows(RedisCommandExecutionException.class,
                    () -> c.sync().xadd("user:" + alex + ":raw", Map.of("data", "{}")));
            assertThrows(RedisCommandExecutionException.class,
                    () -> c.sync().publish("user:" + jamie + ":predictions", "{}"), "a relay does not publish predictions");
        }
        try (StatefulRedisPubSubConnection<String, String> sub = relayJamie.connectPubSub()) {
            sub.setTimeout(Duration.ofSeconds(5)); // a refusal must come back as an error, not a hang
            sub.sync().subscribe("user:" + jamie + ":predictions", "user:" + jamie + ":commands", "user:" + jamie + ":alerts");
            RedisCommandExecutionException refused = assertThrows(RedisCommandExecutionException.class,
                    () -> sub.sync().subscribe("user:" + alex + ":predictions"));
            assertTrue(refused.getMessage().startsWith("NOPERM"), refused.getMessage());
            assertThrows(RedisCommandExecutionException.class, () -> sub.sync().subscribe("user:" + jamie + ":raw"),
                    "a relay does not read its own raw channel");
        }
        // A relay started for alex with jamie's credentials says what was refused and where to look.
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Relay(
                new Relay.Options(alex, 1, null), new SimulatedSource(2, 256, 1), relayJamie, line -> {}));
        assertTrue(e.getMessage().contains("user:" + alex + ":predictions") && e.getMessage().contains("NOPERM")
                && e.getMessage().contains("eeg acl"), e.getMessage());
    }

    @Test
    void aConsumerReadsAndAnswersItsUserOnly() throws Exception {
        RedisClient consumer = clientFor(apply("--role", "consumer", "--user", jamie));
        try (StatefulRedisConnection<String, String> c = consumer.connect();
                StatefulRedisPubSubConnection<String, String> sub = consumer.connectPubSub()) {
            sub.setTimeout(Duration.ofSeconds(5));
            sub.sync().subscribe("user:" + jamie + ":raw", "user:" + jamie + ":features");
            assertThrows(RedisCommandExecutionException.class, () -> sub.sync().subscribe("user:" + alex + ":raw"));
            c.sync().publish("user:" + jamie + ":predictions", "{}");
            assertThrows(RedisCommandExecutionException.class, () -> c.sync().publish("user:" + alex + ":predictions", "{}"));
            assertThrows(RedisCommandExecutionException.class, () -> c.sync().publish("user:" + jamie + ":raw", "{}"));
        }
    }

    @Test
    void relayAndJobWithTheirOwnRulesPredictEndToEnd() throws Exception {
        String relayUrl = apply("--role", "relay", "--user", jamie);
        String jobUrl = apply("--role", "job", "--parallelism", "2");
        List<String> screen = new CopyOnWriteArrayList<>();
        RedisClient relayClient = clientFor(relayUrl);
        try (RunningJob job = RunningJob.start(JobSpecs.load("default").withRedisUrl(jobUrl).withParallelism(2));
                Relay relay = new Relay(new Relay.Options(jamie, 16, null), new SimulatedSource(8, 256, 2), relayClient,
                        screen::add).start()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (screen.stream().noneMatch(l -> l.contains(jamie + "  prediction")) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(screen.stream().anyMatch(l -> l.contains(jamie + "  prediction")), "predictions reach the relay: " + screen);
            assertNull(relay.failure());
        }
    }

    @Test
    void aRelayRefusedPublishingStopsAndNamesTheChannel() throws Exception {
        // A Redis user that may subscribe as a relay for alex but publish nothing.
        String name = "listener-" + alex;
        redisUsers.add(name);
        try (StatefulRedisConnection<String, String> admin = TestRedis.client().connect()) {
            new AclRules(name, List.of("reset", "on", ">secret", "-@all", "+hello", "+auth", "+ping", "+client|setname",
                    "+client|id", "+subscribe", "&user:" + alex + ":*")).apply(admin);
        }
        String url = "redis://" + name + ":secret@" + io.lettuce.core.RedisURI.create(TestRedis.endpoint().url()).getHost()
                + ":" + io.lettuce.core.RedisURI.create(TestRedis.endpoint().url()).getPort();
        List<String> screen = new CopyOnWriteArrayList<>();
        try (Relay relay = new Relay(new Relay.Options(alex, 1, null), new SimulatedSource(2, 256, 1), clientFor(url),
                screen::add).start()) {
            assertTrue(relay.awaitFinished(Duration.ofSeconds(10)), "a refused relay stops instead of retrying forever");
            assertTrue(relay.failure().contains("publish to user:" + alex + ":raw") && relay.failure().contains("NOPERM"),
                    relay.failure());
        }
    }

    @Test
    void wrongArgumentsSayWhatIsMissing() {
        StringWriter err = new StringWriter();
        var cli = Eeg.commandLine();
        cli.setErr(new PrintWriter(err, true));
        assertEquals(2, cli.execute("acl", "--role", "relay"));
        assertTrue(err.toString().contains("--role relay needs --user ID"), err.toString());
    }

    /**
     * Runs {@code eeg acl ... --apply} with a new password on standard input and returns the URL
     * to connect with; the password is printed nowhere.
     */
    private String apply(String... roleArgs) {
        String password = "pw-" + java.util.UUID.randomUUID();
        List<String> args = new ArrayList<>(List.of("acl"));
        args.addAll(List.of(roleArgs));
        args.addAll(List.of("--apply", "--password-stdin", "--redis", TestRedis.endpoint().url()));
        CliRun run = CliRun.withStdin(password + "\n", args.toArray(String[]::new));
        assertEquals(0, run.exit(), run.all());
        assertTrue(!run.out().contains(password) && !run.err().contains(password), "the password is not printed: " + run.all());
        String user = run.out().lines().filter(l -> l.startsWith("ACL SETUSER ")).findFirst().orElseThrow().split(" ")[2];
        redisUsers.add(user);
        assertTrue(run.out().contains("REDIS_URL=redis://" + user + ":***@"), run.all());
        io.lettuce.core.RedisURI uri = io.lettuce.core.RedisURI.create(TestRedis.endpoint().url());
        return "redis://" + user + ":" + password + "@" + uri.getHost() + ":" + uri.getPort();
    }

    @Test
    void theJobsUserRunsNoScriptOfItsOwnAndListsNoClients() throws Exception {
        String user = "eegstream-job";
        apply("--role", "job", "--parallelism", "2");
        try (StatefulRedisConnection<String, String> admin = TestRedis.client().connect()) {
            // Pub/sub: no SCAN, no stream reads, no function.
            assertTrue(dryRun(admin, user, "SCAN", "0").contains("no permissions"));
            assertTrue(dryRun(admin, user, "XREAD", "STREAMS", "user:x:raw", "0").contains("no permissions"));
            assertTrue(dryRun(admin, user, "FCALL", "eegstream_version", "0").contains("no permissions"));
            assertTrue(dryRun(admin, user, "EVAL", "return 1", "0").contains("no permissions to run the 'eval'"));
            assertTrue(dryRun(admin, user, "CLIENT", "LIST").contains("no permissions to run the 'client|list'"));
        }
        apply("--role", "job", "--spec", "durable");
        try (StatefulRedisConnection<String, String> admin = TestRedis.client().connect()) {
            assertTrue(dryRun(admin, user, "EVAL", "return redis.call('FLUSHALL')", "0").contains("no permissions to run the 'eval'"));
            assertTrue(dryRun(admin, user, "EVALSHA", "0123456789012345678901234567890123456789", "0").contains("no permissions"));
            assertTrue(dryRun(admin, user, "SCRIPT", "LOAD", "return 1").contains("no permissions"));
            assertTrue(dryRun(admin, user, "FUNCTION", "LOAD", "#!lua name=x").contains("no permissions"));
            assertTrue(dryRun(admin, user, "CLIENT", "LIST").contains("no permissions to run the 'client|list'"));
            assertEquals("OK", dryRun(admin, user, "FCALL", "eegstream_publish_once", "1", "eegstream:published:user:x:predictions",
                    "user:x:predictions", "{}", "00000000000000000001", "60"));
            assertEquals("OK", dryRun(admin, user, "XREAD", "STREAMS", "user:x:raw", "0"));
            assertTrue(dryRun(admin, user, "XREAD", "STREAMS", "eegstream:published:x", "0").contains("no permissions"));
            // Loaded by --apply, so the job needs no right to load it.
            assertTrue(admin.sync().functionList("eegstream").toString().contains("eegstream_publish_once"));
        }
    }

    @Test
    void durableJobWithItsOwnRulesPredictsThroughTheFunction() throws Exception {
        String relayUrl = apply("--role", "relay", "--user", jamie);
        String jobUrl = apply("--role", "job", "--spec", "durable");
        List<String> screen = new CopyOnWriteArrayList<>();
        org.apache.flink.configuration.Configuration conf = new org.apache.flink.configuration.Configuration();
        conf.set(org.apache.flink.configuration.CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        try (RunningJob job = RunningJob.start(JobSpecs.load("durable").withRedisUrl(jobUrl), conf);
                Relay relay = new Relay(new Relay.Options(jamie, 16, null).withDurableRetention(Duration.ofMinutes(2)),
                        new SimulatedSource(8, 256, 4), clientFor(relayUrl), screen::add).start()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (screen.stream().noneMatch(l -> l.contains(jamie + "  prediction")) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(screen.stream().anyMatch(l -> l.contains(jamie + "  prediction")), "durable predictions: " + screen);
            assertNull(relay.failure());
        }
    }

    @Test
    void aJobWhoseFunctionIsMissingSaysHowToLoadIt() throws Exception {
        // A Redis of its own: the shared one has the library loaded by the other tests.
        try (io.github.eegstream.redis.LocalRedis own = io.github.eegstream.redis.LocalRedis.startEmbedded()) {
            RedisClient adminClient = own.endpoint().createClient();
            clients.add(adminClient);
            try (StatefulRedisConnection<String, String> admin = adminClient.connect()) {
                AclRules.job(true, null, "job-secret-1234").apply(admin);
            }
            io.lettuce.core.RedisURI uri = io.lettuce.core.RedisURI.create(own.endpoint().url());
            String url = "redis://eegstream-job:job-secret-1234@" + uri.getHost() + ":" + uri.getPort();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> RunningJob.start(JobSpecs.load("durable").withRedisUrl(url)));
            assertTrue(e.getMessage().contains("'eegstream' is not loaded") && e.getMessage().contains("bin/eeg acl --role job --apply")
                    && !e.getMessage().contains("job-secret-1234"), e.getMessage());
        }
    }

    @Test
    void theUrlItPrintsBracketsAnIpv6Host() {
        for (String redis : List.of("redis://[::1]:6379", "redis://[0:0:0:0:0:0:0:1]:6379")) {
            CliRun run = CliRun.of("acl", "--role", "relay", "--user", "ipv6-" + jamie, "--redis", redis, "--show-password");
            assertEquals(0, run.exit(), run.all());
            String url = run.out().lines().filter(l -> l.contains("REDIS_URL=")).findFirst().orElseThrow()
                    .replaceFirst(".*REDIS_URL=", "").trim();
            io.lettuce.core.RedisURI parsed = io.lettuce.core.RedisURI.create(url);
            assertTrue(url.matches("redis://relay-ipv6-" + jamie + ":[^@]+@\\[[0-9a-f:]+]:6379"), url);
            assertTrue(parsed.getHost().contains(":") && parsed.getPort() == 6379, url);
            assertEquals("relay-ipv6-" + jamie, java.net.URI.create(url).getUserInfo().split(":")[0], url);
        }
        CliRun hidden = CliRun.of("acl", "--role", "relay", "--user", jamie, "--redis", "redis://[::1]:6379");
        assertTrue(hidden.out().contains("REDIS_URL=redis://relay-" + jamie + ":***@[::1]:6379"), hidden.all());
    }

    @Test
    void aGeneratedPasswordIsRandomAnd256BitsLongAndOnlyItsHashIsInTheRules() throws Exception {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 3; i++) {
            CliRun run = CliRun.of("acl", "--role", "consumer", "--user", jamie, "--show-password");
            String url = run.out().lines().filter(l -> l.contains("REDIS_URL=")).findFirst().orElseThrow()
                    .replaceFirst(".*REDIS_URL=", "").trim();
            String password = java.net.URI.create(url).getUserInfo().split(":", 2)[1];
            assertTrue(password.matches("[A-Za-z0-9_-]{43}"), "32 random bytes, base64url: " + password);
            assertTrue(seen.add(password), "a new one each time");
            String rules = run.out().lines().filter(l -> l.startsWith("ACL SETUSER")).findFirst().orElseThrow();
            assertTrue(rules.contains("#" + sha256(password)) && !rules.contains(password), rules);
            assertTrue(!run.out().contains("warning"), run.all());
        }
        CliRun chosen = CliRun.withStdin("short-pw\n", "acl", "--role", "consumer", "--user", jamie, "--password-stdin");
        assertTrue(chosen.out().contains("warning: a password of fewer than 20 characters can be guessed"), chosen.all());
    }

    @Test
    void pubsubIntrospectionIsWhatEachRoleNeedsOnly() throws Exception {
        apply("--role", "relay", "--user", jamie);
        apply("--role", "consumer", "--user", jamie);
        apply("--role", "job");
        try (StatefulRedisConnection<String, String> admin = TestRedis.client().connect()) {
            for (String user : List.of("relay-" + jamie, "consumer-" + jamie, "eegstream-job")) {
                assertTrue(dryRun(admin, user, "PUBSUB", "CHANNELS").contains("no permissions"), user);
                assertTrue(dryRun(admin, user, "PUBSUB", "NUMPAT").contains("no permissions"), user);
                assertTrue(dryRun(admin, user, "PUBSUB", "SHARDCHANNELS").contains("no permissions"), user);
            }
            for (String user : List.of("relay-" + jamie, "consumer-" + jamie)) {
                assertTrue(dryRun(admin, user, "PUBSUB", "NUMSUB", "user:" + alex + ":predictions").contains("no permissions"), user);
            }
            // The job counts its marker subscriptions. Redis does not check NUMSUB's channels against
            // the rules, so it could count any channel's subscribers (docs/security.md: residual).
            assertEquals("OK", dryRun(admin, "eegstream-job", "PUBSUB", "NUMSUB", "eegstream:subscribed:x"));
        }
    }

    @Test
    void saveWritesTheUsersToRedisAclFileWithTheHashOnly(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path aclFile = java.nio.file.Files.writeString(dir.resolve("users.acl"), "user default on nopass ~* &* +@all\n");
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Process server = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--aclfile", aclFile.toString(), "--save", "", "--appendonly", "no", "--dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        try {
            RedisEndpoint endpoint = new RedisEndpoint("redis://127.0.0.1:" + port);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!endpoint.isReachable(Duration.ofMillis(200)) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            String password = "pw-" + java.util.UUID.randomUUID();
            CliRun run = CliRun.withStdin(password + "\n", "acl", "--role", "relay", "--user", jamie, "--apply", "--save",
                    "--password-stdin", "--redis", endpoint.url());
            assertEquals(0, run.exit(), run.all());
            String saved = java.nio.file.Files.readString(aclFile);
            assertTrue(saved.contains("user relay-" + jamie + " ") && saved.contains("#" + sha256(password)) && !saved.contains(password),
                    saved);
        } finally {
            server.destroy();
            server.waitFor();
        }
        // Without an ACL file, or without --apply: a clear refusal.
        try (io.github.eegstream.redis.LocalRedis own = io.github.eegstream.redis.LocalRedis.startEmbedded()) {
            CliRun run = CliRun.withStdin("pw-0123456789abcdefghij\n", "acl", "--role", "relay", "--user", jamie, "--apply", "--save",
                    "--password-stdin", "--redis", own.endpoint().url());
            assertEquals(2, run.exit(), run.all());
            assertTrue(run.err().contains("--save needs a Redis started with an ACL file"), run.all());
        }
        CliRun alone = CliRun.of("acl", "--role", "relay", "--user", jamie, "--save");
        assertEquals(2, alone.exit(), alone.all());
        assertTrue(alone.err().contains("--save goes with --apply"), alone.all());
    }

    private static String sha256(String text) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** ACL DRYRUN: "OK", or why the user may not run the command. */
    private static String dryRun(StatefulRedisConnection<String, String> admin, String user, String... command) {
        io.lettuce.core.protocol.CommandArgs<String, String> args =
                new io.lettuce.core.protocol.CommandArgs<>(io.lettuce.core.codec.StringCodec.UTF8).add("DRYRUN").add(user);
        for (String c : command) {
            args.add(c);
        }
        return admin.sync().dispatch(io.lettuce.core.protocol.CommandType.ACL,
                new io.lettuce.core.output.StatusOutput<>(io.lettuce.core.codec.StringCodec.UTF8), args);
    }

    private RedisClient clientFor(String url) {
        RedisClient client = new RedisEndpoint(url).createClient();
        clients.add(client);
        return client;
    }
}
