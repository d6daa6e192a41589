package io.github.eegstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.eegstream.job.JobSpecs;
import io.github.eegstream.redis.AclRules;
import io.github.eegstream.redis.RedisEndpoint;
import io.github.eegstream.relay.Relay;
import io.github.eegstream.relay.SimulatedSource;
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

    @BeforeEach
    void needsRedis7() {
        assumeTrue(TestRedis.majorVersion() >= 7, "ACL selectors need Redis 7 or later");
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

    /** Runs {@code eeg acl ... --apply} and returns the URL it says to connect with. */
    private String apply(String... roleArgs) {
        List<String> args = new ArrayList<>(List.of("acl"));
        args.addAll(List.of(roleArgs));
        args.addAll(List.of("--apply", "--redis", TestRedis.endpoint().url()));
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream stdout = System.out;
        StringWriter err = new StringWriter();
        int exit;
        System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            var cli = Eeg.commandLine();
            cli.setErr(new PrintWriter(err, true));
            exit = cli.execute(args.toArray(String[]::new));
        } finally {
            System.setOut(stdout);
        }
        String text = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, exit, text + err);
        String user = text.lines().filter(l -> l.startsWith("ACL SETUSER ")).findFirst().orElseThrow().split(" ")[2];
        redisUsers.add(user);
        return text.lines().filter(l -> l.startsWith("# it connects with: REDIS_URL=")).findFirst().orElseThrow()
                .substring("# it connects with: REDIS_URL=".length());
    }

    private RedisClient clientFor(String url) {
        RedisClient client = new RedisEndpoint(url).createClient();
        clients.add(client);
        return client;
    }
}
