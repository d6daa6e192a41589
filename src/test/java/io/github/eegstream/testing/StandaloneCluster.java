package io.github.eegstream.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.eegstream.cluster.ClusterSettings;
import io.github.eegstream.cluster.FlinkProcess;
import io.github.eegstream.cluster.FlinkRestClient;
import io.github.eegstream.cluster.JobSubmission;
import io.github.eegstream.cluster.LocalCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.util.EnvironmentInformation;

/**
 * A real standalone Flink cluster for a test: a JobManager and TaskManagers in processes of their
 * own, on free ports, started from Flink's entry points as {@code bin/eeg cluster start} starts
 * them, with the job submitted as a jar ({@code target/eegstream-job.jar}, built at package: these
 * tests run as integration tests, {@code ./mvnw verify}). Its directory, with every process's log,
 * stays under {@code target/it-clusters/} for a look after a failure.
 */
public final class StandaloneCluster implements AutoCloseable {

    /** The source's vertex in the job graph (its operator is named "raw EEG"). */
    public static final String SOURCE = "raw EEG";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final LocalCluster cluster;

    private StandaloneCluster(LocalCluster cluster) {
        this.cluster = cluster;
    }

    /** Starts a JobManager and {@code taskManagers} TaskManagers of {@code slots} slots; returns once all are registered. */
    public static StandaloneCluster start(String name, int taskManagers, int slots) throws IOException, InterruptedException {
        Path dir = Path.of("target", "it-clusters",
                name + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss-SSS"))).toAbsolutePath();
        Files.createDirectories(dir);
        // Heartbeats every second, a 5 s timeout: a killed TaskManager is noticed within seconds.
        ClusterSettings defaults = ClusterSettings.defaults(dir);
        ClusterSettings settings = new ClusterSettings(dir, defaults.confDir(), Path.of("").toAbsolutePath(),
                taskManagers, slots, 0, 0, "1g", "1200m", Duration.ofSeconds(1), Duration.ofSeconds(5), false);
        long t0 = System.nanoTime();
        LocalCluster cluster = LocalCluster.start(settings, START_TIMEOUT);
        StandaloneCluster c = new StandaloneCluster(cluster);
        Runtime.getRuntime().addShutdownHook(new Thread(c::close)); // no stray JVMs if the test run is cut short
        String version = cluster.rest().flinkVersion();
        if (!version.equals(EnvironmentInformation.getVersion())) {
            c.close();
            throw new IllegalStateException("the cluster runs Flink " + version + ", the job is built against "
                    + EnvironmentInformation.getVersion() + ": src/cluster/pom.xml and pom.xml disagree");
        }
        System.err.printf("Flink cluster %s up in %.1f s at %s (logs: %s)%n", name, (System.nanoTime() - t0) / 1e9,
                cluster.restUrl(), dir.resolve("log"));
        return c;
    }

    /** The job jar the build made; fails if it is missing (the tests must not pass without it). */
    public static Path jobJar() {
        Path jar = Path.of(System.getProperty("eegstream.job.jar", "target/eegstream-job.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no job jar at " + jar.toAbsolutePath()
                    + ": the cluster tests run after package (./mvnw verify)");
        }
        return jar;
    }

    public String restUrl() {
        return cluster.restUrl();
    }

    public FlinkRestClient rest() {
        return cluster.rest();
    }

    /** Every TaskManager started, in start order (ids tm-1, tm-2, ...). */
    public List<FlinkProcess> taskManagers() {
        return cluster.taskManagers();
    }

    public List<Long> taskManagerPids() {
        return taskManagers().stream().map(FlinkProcess::pid).toList();
    }

    /** Submits the job jar with {@code args} and waits until every task runs; returns the job id. */
    public String submit(Path jar, List<String> args, Integer parallelism, String savepoint) throws InterruptedException {
        String jobId = rest().submit(jar, JobSubmission.ENTRY_CLASS, args, parallelism, savepoint);
        rest().awaitRunning(jobId, Duration.ofSeconds(90));
        return jobId;
    }

    /** The prediction job against the test Redis: {@code --spec spec --redis <test Redis>}. */
    public String submitJob(String spec, int parallelism) throws InterruptedException {
        return submit(jobJar(), JobSubmission.of(jobJar()).withSpec(spec).withRedis(TestRedis.endpoint().url()).programArgs(),
                parallelism, null);
    }

    /** For each subtask of the vertex named like {@code vertex}, the TaskManager it runs on. */
    public Map<Integer, String> subtaskTaskManagers(String jobId, String vertex) {
        return rest().subtaskTaskManagers(jobId, rest().vertexId(jobId, vertex));
    }

    /** The TaskManager process running subtask {@code subtask} of the vertex named like {@code vertex}. */
    public FlinkProcess taskManagerRunning(String jobId, String vertex, int subtask) {
        return cluster.taskManager(subtaskTaskManagers(jobId, vertex).get(subtask));
    }

    /** SIGKILL, as a crash: returns once the process is gone. */
    public void kill(FlinkProcess taskManager) throws Exception {
        ProcessHandle h = taskManager.handle().orElseThrow(() -> new IllegalStateException(taskManager + " is not running"));
        h.destroyForcibly();
        h.onExit().get(10, TimeUnit.SECONDS);
    }

    /** Starts one more TaskManager and waits until every TaskManager alive is registered. */
    public FlinkProcess startTaskManager() throws IOException, InterruptedException {
        FlinkProcess tm = cluster.startTaskManager();
        cluster.awaitTaskManagers((int) taskManagers().stream().filter(FlinkProcess::isAlive).count(), START_TIMEOUT);
        return tm;
    }

    /** Starts one more TaskManager and waits until the cluster has {@code expected} registered. */
    public FlinkProcess startTaskManager(int expected) throws IOException, InterruptedException {
        FlinkProcess tm = cluster.startTaskManager();
        cluster.awaitTaskManagers(expected, START_TIMEOUT);
        return tm;
    }

    /** Stops the job with a savepoint in the cluster's savepoint directory; returns its path. */
    public String stopWithSavepoint(String jobId) throws InterruptedException {
        return rest().stopWithSavepoint(jobId, null, Duration.ofSeconds(60));
    }

    /**
     * A metric of each subtask of the source: task metrics ({@code numRecordsOut}: records sent on
     * to the windows) or the source operator's ({@code Source__raw_EEG.numRecordsIn}: messages read
     * from Redis, {@code Source__raw_EEG.droppedMessages}, ...). Reported every 2 s.
     */
    public Map<Integer, Double> sourceMetric(String jobId, String metric) {
        return rest().subtaskMetric(jobId, rest().vertexId(jobId, SOURCE), metric);
    }

    /** GET a REST path as JSON. */
    public JsonNode get(String path) {
        return rest().get(path);
    }

    public Path dir() {
        return cluster.dir();
    }

    @Override
    public void close() {
        try {
            cluster.stop(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (UncheckedIOException ignored) {
            // the pid files are only a record
        }
    }
}
