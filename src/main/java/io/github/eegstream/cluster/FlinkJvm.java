package io.github.eegstream.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Starts Flink's entry points in JVMs of their own, as a Flink distribution's scripts do: Flink's
 * classpath only, the JVM options Flink needs on Java 17, and the memory sizes Flink itself derives
 * from the configuration ({@code BashJavaUtils}, the tool behind the distribution's scripts).
 */
final class FlinkJvm {

    /** System property naming the file with Flink's classpath; bin/eeg and the build set it. */
    static final String CLASSPATH_PROPERTY = "eegstream.cluster.classpath";

    static final String JOB_MANAGER = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    static final String TASK_MANAGER = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    private static final String BASH_JAVA_UTILS = "org.apache.flink.runtime.util.bash.BashJavaUtils";
    private static final String RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";

    private final String classpath;
    private final List<String> options;
    private final Path java = Path.of(System.getProperty("java.home"), "bin", "java");

    private FlinkJvm(String classpath, List<String> options) {
        this.classpath = classpath;
        this.options = options;
    }

    /** Flink's classpath from {@value #CLASSPATH_PROPERTY} (default {@code target/classpath-cluster.txt}). */
    static FlinkJvm fromBuild() {
        Path file = Path.of(System.getProperty(CLASSPATH_PROPERTY, "target/classpath-cluster.txt"));
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("no Flink classpath at " + file.toAbsolutePath()
                    + ": build it with ./mvnw exec:exec@cluster-classpath (bin/eeg cluster does so by itself)");
        }
        String cp;
        try {
            cp = Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String jar : cp.split(":")) {
            if (!Files.isRegularFile(Path.of(jar))) {
                throw new IllegalStateException("Flink's classpath (" + file + ") names " + jar
                        + ", which is gone: rebuild it with ./mvnw exec:exec@cluster-classpath");
            }
        }
        return new FlinkJvm(cp, Arrays.asList(buildProperties().getProperty("jvm.options").trim().split("\\s+")));
    }

    /** The Flink version the project is built against. */
    static String flinkVersion() {
        return buildProperties().getProperty("flink.version");
    }

    private static Properties buildProperties() {
        Properties p = new Properties();
        try (InputStream in = FlinkJvm.class.getResourceAsStream("flink-jvm.properties")) {
            if (in == null) {
                throw new IllegalStateException("flink-jvm.properties is missing from the build");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /**
     * The JVM options and the dynamic settings ({@code -D key=value}: every memory size, the CPU
     * cores) that Flink derives for a JobManager ({@code GET_JM_RESOURCE_PARAMS}) or a
     * TaskManager ({@code GET_TM_RESOURCE_PARAMS}) from the config in {@code confDir}.
     */
    Resources resources(String command, Path confDir) throws IOException, InterruptedException {
        Path out = Files.createTempFile(confDir, "resources-", ".txt");
        try {
            Process p = new ProcessBuilder(java.toString(), "-Xmx128m", "-cp", classpath, BASH_JAVA_UTILS, command,
                    "--configDir", confDir.toString())
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("Flink's BashJavaUtils did not answer within 60 s");
            }
            List<String> results = new ArrayList<>();
            List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
            for (String line : lines) {
                if (line.startsWith(RESULT_PREFIX)) {
                    results.add(line.substring(RESULT_PREFIX.length()).trim());
                }
            }
            if (p.exitValue() != 0 || results.size() < 2) {
                throw new IllegalStateException("Flink could not size the " + command + " from " + confDir.resolve("config.yaml")
                        + ": " + String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size())));
            }
            // The second line is "-D key=value -D key=value ...": keep "-D" and "key=value" as separate arguments.
            return new Resources(List.of(results.get(0).split("\\s+")), List.of(results.get(1).split("\\s+")));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** The option that marks a JVM as belonging to the cluster configured in {@code confDir}. */
    static String markerFor(Path confDir) {
        return "-Deegstream.cluster=" + confDir.toAbsolutePath();
    }

    /** What {@link #resources} returns: the JVM's options, and the entry point's dynamic settings. */
    record Resources(List<String> jvmOptions, List<String> dynamicSettings) {}

    /**
     * Starts {@code entryClass --configDir confDir extraArgs...}, logging to {@code logDir/name.log}
     * (and its standard output and error to {@code name.out}).
     */
    Process start(String name, String entryClass, Path confDir, Resources resources, List<String> extraArgs,
            Path logDir, Path workDir, boolean detach) throws IOException {
        Files.createDirectories(logDir);
        List<String> command = new ArrayList<>();
        Path setsid = Path.of("/usr/bin/setsid");
        if (detach && Files.isExecutable(setsid)) {
            // A session of its own: the process outlives the terminal that started it. (setsid execs
            // in place, so the pid stays the JVM's.)
            command.add(setsid.toString());
        }
        command.add(java.toString());
        // First, so that it is within what the OS reports of a long command line: tells this
        // cluster's processes from any other that got a recorded pid later.
        command.add(markerFor(confDir));
        command.addAll(resources.jvmOptions());
        command.addAll(options);
        command.add("-Dlog.file=" + logDir.resolve(name + ".log").toAbsolutePath());
        command.add("-Dlog4j.configurationFile=" + confDir.resolve("log4j.properties").toUri());
        command.addAll(List.of("-cp", classpath, entryClass, "--configDir", confDir.toAbsolutePath().toString()));
        command.addAll(resources.dynamicSettings());
        command.addAll(extraArgs);
        Path outFile = logDir.resolve(name + ".out");
        return new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(outFile.toFile()))
                .start();
    }
}
