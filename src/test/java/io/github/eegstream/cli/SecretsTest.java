package io.github.eegstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.spec.JobSpecs;
import io.github.eegstream.redis.RedisEndpoint;
import io.github.eegstream.testing.CapturedLogs;
import io.github.eegstream.testing.CliRun;
import io.github.eegstream.testing.RunningJob;
import io.github.eegstream.testing.TestFlink;
import io.github.eegstream.testing.TestRedis;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run with passwords shows them nowhere: not in what the commands print (errors included), not
 * in the logs, not among a child process's arguments (which {@code ps} shows every user).
 */
class SecretsTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.miniCluster();

    @TempDir
    Path dir;

    private final List<String> redisUsers = new ArrayList<>();
    private final List<String> printed = new ArrayList<>();

    @AfterEach
    void deleteUsers() {
        try (StatefulRedisConnection<String, String> admin = TestRedis.client().connect()) {
            redisUsers.forEach(u -> admin.sync().aclDeluser(u));
        }
    }

    @Test
    void aRunWithPasswordsShowsThemNowhere() throws Exception {
        TestRedis.requireMajorVersion(7);
        String user = TestRedis.uniqueUser("secret");
        String relayPassword = secret();
        String jobPassword = secret();
        String wrongPassword = secret();
        String childPassword = secret();
        RedisURI shared = RedisURI.create(TestRedis.endpoint().url());
        String at = "@" + shared.getHost() + ":" + shared.getPort();
        String relayUrl = "redis://relay-" + user + ":" + relayPassword + at;
        try (CapturedLogs logs = new CapturedLogs()) {
            // eeg acl: the password from standard input, into a file only its owner reads.
            Path urlFile = dir.resolve("relay.url");
            CliRun acl = run(relayPassword + "\n", "acl", "--role", "relay", "--user", user, "--apply",
                    "--password-stdin", "--url-file", urlFile.toString(), "--redis", TestRedis.endpoint().url());
            assertEquals(0, acl.exit(), acl.all());
            redisUsers.add("relay-" + user);
            assertEquals(relayUrl + "\n", Files.readString(urlFile));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(urlFile)));
            CliRun job = run(jobPassword + "\n", "acl", "--role", "job", "--apply", "--password-stdin",
                    "--redis", TestRedis.endpoint().url());
            assertEquals(0, job.exit(), job.all());
            redisUsers.add("eegstream-job");
            // Asked for, it is shown.
            CliRun shown = run("", "acl", "--role", "consumer", "--user", user, "--show-password");
            assertTrue(shown.out().matches("(?s).*REDIS_URL=redis://consumer-" + user + ":[A-Za-z0-9_-]{20,}@.*"), shown.all());
            // On the command line it is refused, and not echoed.
            CliRun onCommandLine = run("", "acl", "--role", "relay", "--user", user, "--password", relayPassword);
            assertEquals(2, onCommandLine.exit(), onCommandLine.all());
            assertTrue(onCommandLine.err().contains("--password-stdin"), onCommandLine.all());

            // The job and a relay with their passwords, end to end.
            try (RunningJob running = RunningJob.start(JobSpecs.load("default").withRedisUrl(
                    "redis://eegstream-job:" + jobPassword + at).withParallelism(1))) {
                CliRun relay = run("", "relay", "--user", user, "--duration", "4", "--redis", relayUrl);
                assertEquals(0, relay.exit(), relay.all());
                assertTrue(relay.out().contains(user + "  prediction"), "the relay got predictions: " + relay.all());
            }
            // Errors: a wrong password, a URL that does not parse.
            CliRun wrong = run("", "publish", user, "commands", "{\"command\": \"pause\"}",
                    "--redis", "redis://relay-" + user + ":" + wrongPassword + at);
            assertEquals(2, wrong.exit(), wrong.all());
            CliRun unparsable = run("", "subscribe", user, "raw", "--redis",
                    "redis://relay-" + user + ":" + relayPassword + "@127.0.0.1:6379/notadb");
            assertEquals(2, unparsable.exit(), unparsable.all());
            assertTrue(unparsable.err().contains("redis://relay-" + user + ":***@127.0.0.1:6379/notadb"), unparsable.all());

            // The benchmark's load process: its URL in its environment, not its arguments.
            RedisEndpoint childEndpoint = new RedisEndpoint("redis://default:" + childPassword + at);
            ProcessBuilder builder = BenchCommand.loadProcess(childEndpoint, Integer.toString(900_000_000 + (int) (Math.random() * 1e6)),
                    "1", "256", "2", "1", "1", "0", "1.5");
            assertFalse(String.join(" ", builder.command()).contains(childPassword), builder.command().toString());
            builder.redirectErrorStream(true);
            Process child = builder.start();
            String cmdline = Files.readString(Path.of("/proc", Long.toString(child.pid()), "cmdline"), StandardCharsets.UTF_8);
            String childOut = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, child.waitFor(), childOut);
            assertTrue(childOut.contains("\"samples\""), "the load process ran: " + childOut);
            assertTrue(cmdline.contains("LoadProcess"), cmdline);
            printed.add(cmdline);
            printed.add(childOut);

            String everything = String.join("\n", printed) + "\n" + logs.text();
            for (String password : List.of(relayPassword, jobPassword, wrongPassword, childPassword)) {
                assertFalse(everything.contains(password), "a password was shown:\n" + everything);
            }
            assertTrue(logs.text().contains("channel classes at"), "the logs were captured: " + logs.text().length());
        }
    }

    private CliRun run(String stdin, String... args) {
        CliRun run = CliRun.withStdin(stdin, args);
        printed.add(run.out());
        printed.add(run.err());
        return run;
    }

    private static String secret() {
        return "s3cret-" + UUID.randomUUID().toString().replace("-", "");
    }
}
