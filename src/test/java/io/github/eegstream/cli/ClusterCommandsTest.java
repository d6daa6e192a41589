package io.github.eegstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What {@code eeg submit}, {@code eeg stop-job} and {@code eeg cluster stop} say when there is no
 * cluster or no jar. (They run against a real cluster in the integration tests, ClusterFailoverIT
 * and SubmitAndSavepointIT.)
 */
class ClusterCommandsTest {

    private static String errorOf(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = Eeg.commandLine();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        assertEquals(2, cli.execute(args), err.toString());
        return err.toString();
    }

    @Test
    void withoutAClusterTheCommandsSaySoAndHowToStartOne(@TempDir Path dir) throws Exception {
        Path jar = Files.writeString(dir.resolve("job.jar"), "not really a jar");
        String submit = errorOf("submit", "--cluster", "http://127.0.0.1:1", "--jar", jar.toString());
        assertTrue(submit.contains("no Flink cluster answers at http://127.0.0.1:1") && submit.contains("bin/eeg cluster start"),
                submit);
        String stop = errorOf("stop-job", "--cluster", "127.0.0.1:1", "--job", "00000000000000000000000000000000");
        assertTrue(stop.contains("no Flink cluster answers at http://127.0.0.1:1"), stop);
        String noJar = errorOf("submit", "--jar", dir.resolve("missing.jar").toString());
        assertTrue(noJar.contains("no job jar at") && noJar.contains("./mvnw -DskipTests package"), noJar);
    }

    @Test
    void stoppingAClusterThatIsNotRunningStopsNothing(@TempDir Path dir) throws Exception {
        // A pid file left behind, naming a process that is not the cluster's (this test's JVM): left alone.
        Files.writeString(dir.resolve("jobmanager.pid"), ProcessHandle.current().pid() + "\n");
        StringWriter out = new StringWriter();
        CommandLine cli = Eeg.commandLine();
        cli.setOut(new PrintWriter(out, true));
        assertEquals(0, cli.execute("cluster", "stop", "--dir", dir.toString()));
        assertTrue(ProcessHandle.current().isAlive());
        assertTrue(Files.notExists(dir.resolve("jobmanager.pid")), "the stale pid file is removed");
    }
}
