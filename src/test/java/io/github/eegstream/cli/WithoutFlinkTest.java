package io.github.eegstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code eeg features} and {@code eeg acl} read job specs, and need no Flink jar to do it (bin/eeg runs them without). */
class WithoutFlinkTest {

    @TempDir
    Path dir;

    @Test
    void featuresAndAclRunOnAClasspathWithoutFlink() throws Exception {
        StringBuilder csv = new StringBuilder("Fp1,Fp2\n");
        for (int i = 0; i < 256 * 3; i++) {
            double t = i / 256.0;
            csv.append(String.format(Locale.ROOT, "%.3f,%.3f%n", 20 * Math.sin(2 * Math.PI * 10 * t),
                    15 * Math.sin(2 * Math.PI * 6 * t)));
        }
        Path recording = Files.writeString(dir.resolve("session.csv"), csv);

        Result features = eeg("features", recording.toString(), "--rate", "256");
        assertEquals(0, features.exit, features.toString());
        assertTrue(features.out.lines().filter(l -> l.startsWith("{")).count() >= 2, features.toString());

        Result acl = eeg("acl", "--role", "job", "--spec", "durable");
        assertEquals(0, acl.exit, acl.toString());
        assertFalse(acl.out.isBlank(), acl.toString());
        Result relay = eeg("acl", "--role", "relay", "--user", "u1");
        assertEquals(0, relay.exit, relay.toString());
    }

    private record Result(int exit, String out, String err) {}

    private static Result eeg(String... args) throws Exception {
        // bin/eeg's light classpath (our classes and the runtime dependencies but Flink's), as the build wrote it;
        // else the tests' own without Flink's jars.
        Path light = Path.of("target", "classpath-light.txt");
        String classpath = Files.isRegularFile(light)
                ? Path.of("target", "classes") + File.pathSeparator + Files.readString(light).trim()
                : Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                        .filter(entry -> !entry.replace(File.separatorChar, '/').contains("/org/apache/flink/"))
                        .collect(Collectors.joining(File.pathSeparator));
        assertFalse(classpath.contains("flink-"), classpath);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", classpath, Eeg.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }
}
