package io.github.eegstream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.relay.Relay;
import io.github.eegstream.relay.SimulatedSource;
import io.github.eegstream.testing.RunningJob;
import io.github.eegstream.testing.TestFlink;
import io.github.eegstream.testing.TestPython;
import io.github.eegstream.testing.TestRedis;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Python code written from the original design's guide (examples/python/) against our job and
 * relay, both ways. Runs where python3 has redis, msgpack and numpy (CI installs Debian's).
 */
class PythonInteropTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.miniCluster();

    private static String python;

    @BeforeAll
    static void needsPython() {
        python = TestPython.withModules("redis", "msgpack", "numpy");
        assertTrue(python != null,
                "python3 with redis, msgpack and numpy (apt-get install python3-redis python3-msgpack python3-numpy)");
    }

    @Test
    void seedPythonRelaysSamplesArePredictedByTheJob() throws Exception {
        String user = TestRedis.uniqueUser("py-relay");
        try (RunningJob job = RunningJob.start("seed-compatible")) {
            Process relay = python("seed_relay.py", "--user", user, "--samples", "300", "--expect", "3", "--json",
                    "--timeout", "30");
            assertTrue(relay.waitFor(60, TimeUnit.SECONDS), "python relay finished");
            String out = new String(relay.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, relay.exitValue(), "python relay received its 3 predictions:\n" + out);
            List<String> lines = out.lines().filter(l -> l.startsWith("{")).toList();
            assertEquals(3, lines.size(), out);
            assertTrue(lines.get(0).contains("\"prediction_type\": \"workload\"")
                    && lines.get(0).contains("\"source\": \"eegstream:seed-compatible\""), lines.get(0));
        }
    }

    @Test
    void seedPythonConsumersPredictionsShowOnOurRelay() throws Exception {
        String user = TestRedis.uniqueUser("py-consumer");
        Path ready = Files.createTempFile("consumer", ".ready");
        Files.delete(ready);
        Process consumer = python("seed_consumer.py", "--user", user, "--windows", "2", "--ready-file", ready.toString());
        List<String> screen = new CopyOnWriteArrayList<>();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!Files.exists(ready) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(Files.exists(ready), "python consumer subscribed");
            try (Relay relay = new Relay(new Relay.Options(user, 1, null), new SimulatedSource(8, 256, 5),
                    TestRedis.client(), screen::add).start()) {
                assertTrue(consumer.waitFor(30, TimeUnit.SECONDS), "python consumer sent its predictions");
                long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (screen.stream().filter(l -> l.contains("from python-seed-consumer")).count() < 2
                        && System.nanoTime() < until) {
                    Thread.sleep(20);
                }
            }
            List<String> shown = screen.stream().filter(l -> l.contains("from python-seed-consumer")).toList();
            assertEquals(2, shown.size(), screen.toString());
            assertTrue(shown.get(0).contains("prediction workload  workload=") && shown.get(0).contains("confidence 92%"),
                    shown.get(0));
        } finally {
            consumer.destroyForcibly();
        }
    }

    private static Process python(String script, String... args) throws IOException {
        return TestPython.example(python, script, args);
    }
}
