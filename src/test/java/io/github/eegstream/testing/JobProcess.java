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
 * {@code eeg job} in a process of its own, with the JVM options {@code bin/eeg} gives it
 * ({@code conf/job-jvm.options}): so that a test can measure the job's own memory, apart from
 * the test's.
 */
public final class JobProcess implements AutoCloseable {

    private static final Pattern WEB_UI = Pattern.compile("Flink web UI: (http://\\S+)");

    private final Process process;
    private final Path log;
    private final String webUrl;
    private final HttpClient http = HttpClient.newHttpClient();

    private JobProcess(Process process, Path log, String webUrl) {
        this.process = process;
        this.log = log;
        this.webUrl = webUrl;
    }

    /** Starts {@code eeg job --spec SPEC} against the tests' Redis and returns once it is RUNNING. */
    public static JobProcess start(String spec, Duration timeout) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(Arrays.asList(Files.readString(Path.of("conf/job-jvm.options")).trim().split("\\s+")));
        for (String arg : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports")) {
                command.add(arg);
            }
        }
        command.addAll(List.of("-Dlog4j.configurationFile=" + Path.of("conf/log4j2-cli.properties").toAbsolutePath(),
                "-Deegstream.conf=" + Path.of("conf").toAbsolutePath(),
                "-cp", System.getProperty("java.class.path"), "io.github.eegstream.cli.Eeg", "job", "--spec", spec,
                "--web-port", "0", "--redis", TestRedis.endpoint().url()));
        Path log = Files.createTempFile("eegstream-job-", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = WEB_UI.matcher(Files.readString(log));
            if (m.find()) {
                return new JobProcess(p, log, m.group(1));
            }
            if (!p.isAlive()) {
                break;
            }
            Thread.sleep(100);
        }
        p.destroyForcibly();
        throw new IllegalStateException("eeg job did not start within " + timeout + ":\n" + Files.readString(log));
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
