package io.github.eegstream.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Debian's libxdf (C++), an independent XDF reader, built by {@code src/test/c/build-xdf-harness.sh}
 * (which {@code .ci/run} runs): what it reads from a file, one line per stream, label, sample and
 * event (see {@code src/test/c/xdf_dump.cpp}).
 */
public final class XdfHarness {

    private static final Path HARNESS = Path.of("target/xdf-harness/xdf_dump");

    private XdfHarness() {}

    public static List<String> dump(Path file) throws IOException, InterruptedException {
        assertTrue(Files.isExecutable(HARNESS), "the libxdf harness (bash src/test/c/build-xdf-harness.sh; needs libxdf-dev and c++)");
        Process p = new ProcessBuilder(HARNESS.toString(), file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out.lines().toList();
    }
}
