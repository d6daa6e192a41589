package io.github.eegstream.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A python3 for tests that run the examples or check files with Python libraries. */
public final class TestPython {

    public static final Path EXAMPLES = Path.of("examples", "python");

    private TestPython() {}

    /**
     * The first python3 that imports {@code modules}, or null: the one on PATH may be another
     * installation than Debian's, which has the packages.
     */
    public static String withModules(String... modules) {
        for (String candidate : List.of("python3", "/usr/bin/python3")) {
            try {
                Process p = new ProcessBuilder(candidate, "-c", "import " + String.join(", ", modules))
                        .redirectErrorStream(true).start();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return candidate;
                }
            } catch (IOException notInstalled) {
                // try the next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    /** Runs an example script against the test Redis. */
    public static Process example(String python, String script, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(python, EXAMPLES.resolve(script).toString(),
                "--redis", TestRedis.endpoint().url()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }
}
