package io.github.eegstream.job;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Runs the job in this process on a local MiniCluster with the Flink web UI, configured from
 * {@code conf/config.yaml} (the file the Docker cluster uses too) plus the spec's settings.
 */
public final class EmbeddedFlink {

    /** System property naming the configuration directory (bin/eeg sets it); default {@code conf}. */
    public static final String CONF_DIR_PROPERTY = "eegstream.conf";

    private EmbeddedFlink() {}

    /**
     * @param webPort the web UI's port; 0 picks a free one
     * @return the running job and the web UI's address
     */
    public static Running start(JobSpec spec, int webPort) throws Exception {
        return start(spec, webPort, null);
    }

    /**
     * As {@link #start(JobSpec, int)}, restored from a checkpoint or savepoint: a path, or
     * {@code latest} for the newest retained checkpoint in the configured checkpoint directory.
     */
    public static Running start(JobSpec spec, int webPort, String restoreFrom) throws Exception {
        Configuration conf = loadConfiguration();
        conf.addAll(PredictionPipeline.configuration(spec));
        if (restoreFrom != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, "latest".equals(restoreFrom) ? latestCheckpoint(conf) : restoreFrom);
        }
        String host = conf.get(RestOptions.BIND_ADDRESS, "127.0.0.1");
        int port = webPort == 0 ? freePort() : webPort;
        if (!isFree(host, port)) {
            throw new IllegalStateException("port " + port + " is in use (another Flink?): choose another with "
                    + "--web-port PORT, or --web-port 0 for any free port");
        }
        conf.set(RestOptions.BIND_ADDRESS, host);
        conf.set(RestOptions.ADDRESS, host);
        conf.set(RestOptions.PORT, port);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
        JobClient job = JobLauncher.submit(env, spec, Duration.ofSeconds(60));
        String checkpoints = conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY);
        String savepoints = conf.getOptional(CheckpointingOptions.SAVEPOINT_DIRECTORY)
                .orElse(checkpoints == null ? null : checkpoints.replaceAll("/+$", "") + "/savepoints");
        return new Running(job, "http://" + host + ":" + port, savepoints);
    }

    /**
     * A job started by {@link #start}.
     *
     * @param savepointDir where its savepoints go: beside its checkpoints, so {@code latest} finds them
     */
    public record Running(JobClient job, String webUrl, String savepointDir) {}

    /**
     * The newest completed checkpoint or savepoint under {@code execution.checkpointing.dir} (where
     * {@code eeg job} also puts the savepoint it takes when stopped), of any job.
     */
    static String latestCheckpoint(Configuration conf) throws java.io.IOException {
        String dir = conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY);
        if (dir == null) {
            throw new IllegalStateException("no checkpoint directory configured (execution.checkpointing.dir)");
        }
        java.nio.file.Path root = java.nio.file.Path.of(java.net.URI.create(dir.startsWith("file:") ? dir : "file://" + dir));
        if (!java.nio.file.Files.isDirectory(root)) {
            throw new IllegalStateException("no checkpoints yet in " + root);
        }
        try (var files = java.nio.file.Files.walk(root, 3)) {
            return files.filter(f -> f.getFileName().toString().equals("_metadata"))
                    .max(java.util.Comparator.comparingLong(f -> f.toFile().lastModified()))
                    .map(f -> f.getParent().toUri().toString())
                    .orElseThrow(() -> new IllegalStateException("no completed checkpoint in " + root
                            + ": run the job with a spec that checkpoints (jobs/durable.yaml) first"));
        }
    }

    static Configuration loadConfiguration() {
        Path dir = Path.of(System.getProperty(CONF_DIR_PROPERTY, "conf"));
        if (Files.isRegularFile(dir.resolve("config.yaml"))) {
            return GlobalConfiguration.loadConfiguration(dir.toString());
        }
        return new Configuration();
    }

    /** True if nothing listens on {@code host:port}. */
    public static boolean isFree(String host, int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName(host))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
