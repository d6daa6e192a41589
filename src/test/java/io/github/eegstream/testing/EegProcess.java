package io.github.eegstream.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An {@code eeg} command in a process of its own, as users run them: {@code eeg job} with the JVM
 * options {@code bin/eeg} gives it ({@code conf/job-jvm.options}), so that a test can measure the
 * job's own memory apart from the test's; {@code eeg relay}, so that relays are not slowed by
 * whatever else the test's JVM does.
 */
public final class EegProcess implements AutoCloseable {

    private static final Pattern WEB_UI = Pattern.compile("Flink web UI: (http://\\S+)");

    private final Process process;
    private final Path log;
    private final String webUrl;
    private final HttpClient http = HttpClient.newHttpClient();

    private EegProcess(Process process, Path log, String webUrl) {
        this.process = process;
        this.log = log;
        this.webUrl = webUrl;
    }

    /** Starts {@code eeg job --spec SPEC} against the tests' Redis and returns once it is RUNNING. */
    public static EegProcess job(String spec, Duration timeout) throws Exception {
        Path root = projectRoot();
        List<String> jvm = Arrays.asList(Files.readString(root.resolve("conf/job-jvm.options")).trim().split("\\s+"));
        Path log = Files.createTempFile("eegstream-job-", ".log");
        Process p = start(jvm, log, "job", "--spec", spec, "--web-port", "0", "--redis", TestRedis.endpoint().url());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = WEB_UI.matcher(Files.readString(log));
            if (m.find()) {
                return new EegProcess(p, log, m.group(1));
            }
            if (!p.isAlive()) {
                break;
            }
            Thread.sleep(100);
        }
        p.destroyForcibly();
        throw new IllegalStateException("eeg job did not start within " + timeout + ":\n" + Files.readString(log));
    }

    /** Starts {@code eeg relay --user USER --chunk K} (simulated EEG) against the tests' Redis. */
    public static EegProcess relay(String user, int chunk) throws IOException {
        Path log = Files.createTempFile("eegstream-relay-", ".log");
        // The JVM options bin/eeg gives a relay: light, as on a lab PC.
        Process p = start(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m"), log, "relay", "--user", user, "--chunk", String.valueOf(chunk),
                "--redis", TestRedis.endpoint().url());
        return new EegProcess(p, log, null);
    }

    /** Runs {@code mainClass} from the test classpath, with $REDIS_URL naming the tests' Redis. */
    public static EegProcess main(String mainClass, String... args) throws IOException {
        Path log = Files.createTempFile("eegstream-main-", ".log");
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Dlog4j.configurationFile=" + projectRoot().resolve("conf/log4j2-cli.properties"),
                "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("REDIS_URL", TestRedis.endpoint().url());
        return new EegProcess(builder.start(), log, null);
    }

    /** Waits until the process's output satisfies {@code condition}, and returns the output. */
    public String awaitOutput(java.util.function.Predicate<String> condition, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String out = output();
            if (condition.test(out)) {
                return out;
            }
            if (!process.isAlive() && !condition.test(output())) {
                throw new IllegalStateException("the process ended:\n" + output());
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("not within " + timeout + ":\n" + output());
    }

    private static Process start(List<String> jvmOptions, Path log, String... args) throws IOException {
        Path root = projectRoot();
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        for (String arg : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports")) {
                command.add(arg);
            }
        }
        command.addAll(List.of("-Dlog4j.configurationFile=" + root.resolve("conf/log4j2-cli.properties"),
                "-Deegstream.conf=" + root.resolve("conf"),
                "-cp", System.getProperty("java.class.path"), "io.github.eegstream.cli.Eeg"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** The project's root: where Maven runs the tests ({@code basedir}), or the working directory. */
    private static Path projectRoot() {
        return Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
    }

    public String webUrl() {
        return webUrl;
    }

    /** What the job printed and logged so far. */
    public String output() throws IOException {
        return Files.readString(log);
    }

    /** The job's state from Flink's REST API, e.g. RUNNING. */
    public String jobState() throws Exception {
        JsonNode jobs = new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(URI.create(webUrl + "/jobs/overview"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body()).path("jobs");
        return jobs.isEmpty() ? "NONE" : jobs.get(0).path("state").asText();
    }

    /** The most memory the process has had resident so far (VmHWM), in bytes. */
    public long peakResidentBytes() throws IOException {
        return residentField("VmHWM:");
    }

    /** The memory the process has resident now (VmRSS), in bytes. */
    public long residentBytes() throws IOException {
        return residentField("VmRSS:");
    }

    private long residentField(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]) * 1024;
            }
        }
        throw new IllegalStateException("no " + field + " in /proc/" + process.pid() + "/status");
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        Files.deleteIfExists(log);
    }
}
