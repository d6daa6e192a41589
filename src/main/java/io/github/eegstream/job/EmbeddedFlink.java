package io.github.eegstream.job;

import io.github.eegstream.spec.JobSpec;
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
     * {@code latest} for the newest retained checkpoint of the same spec in the private checkpoint
     * directory ({@link CheckpointDirectory}).
     */
    public static Running start(JobSpec spec, int webPort, String restoreFrom) throws Exception {
        return start(spec, webPort, restoreFrom, new Configuration());
    }

    /** As {@link #start(JobSpec, int, String)}, with {@code overrides} set last (a benchmark's settings). */
    public static Running start(JobSpec spec, int webPort, String restoreFrom, Configuration overrides) throws Exception {
        Configuration conf = loadConfiguration();
        conf.addAll(PredictionPipeline.configuration(spec));
        conf.addAll(overrides);
        // Checkpoints hold users' EEG: a private directory of this spec's own (see CheckpointDirectory).
        Path checkpoints = CheckpointDirectory.forSpec(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY), spec.identity());
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        if (restoreFrom != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, "latest".equals(restoreFrom) ? latestCheckpoint(checkpoints, spec) : restoreFrom);
        }
        String host = conf.get(RestOptions.BIND_ADDRESS, "127.0.0.1");
        int port = webPort == 0 ? freePort() : webPort;
        if (!isFree(host, port)) {
            throw new IllegalStateException("port " + port + " is in use (another Flink?): choose another with "
                    + "--web-port PORT, or --web-port 0 for any free port");
        }
        // The web UI is for watching: any web page the operator opens could otherwise upload and
        // run a jar (a simple POST) or cancel the job. Ctrl-C stops it; eeg submit is for clusters.
        conf.set(org.apache.flink.configuration.WebOptions.SUBMIT_ENABLE, false);
        conf.set(org.apache.flink.configuration.WebOptions.CANCEL_ENABLE, false);
        // Not Flink's default "*": other web pages' scripts may not read the job's state and metrics.
        conf.set(org.apache.flink.configuration.WebOptions.ACCESS_CONTROL_ALLOW_ORIGIN,
                "http://" + host + ":" + port);
        conf.set(RestOptions.BIND_ADDRESS, host);
        conf.set(RestOptions.ADDRESS, host);
        conf.set(RestOptions.PORT, port);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
        JobClient job = JobLauncher.submit(env, spec, Duration.ofSeconds(60));
        String savepoints = conf.getOptional(CheckpointingOptions.SAVEPOINT_DIRECTORY)
                .orElse(checkpoints.resolve("savepoints").toUri().toString());
        return new Running(job, "http://" + host + ":" + port, savepoints);
    }

    /**
     * A job started by {@link #start}.
     *
     * @param savepointDir where its savepoints go: beside its checkpoints, so {@code latest} finds them
     */
    public record Running(JobClient job, String webUrl, String savepointDir) {}

    /**
     * The newest completed checkpoint or savepoint of this spec that this user owns
     * (CheckpointDirectory.latest): {@code eeg job} puts the savepoint it takes when stopped beside
     * the checkpoints.
     */
    static String latestCheckpoint(Path specDir, JobSpec spec) throws java.io.IOException {
        return CheckpointDirectory.latest(specDir).map(p -> p.toUri().toString())
                .orElseThrow(() -> new IllegalStateException("no completed checkpoint of job '" + spec.identity() + "' of yours in "
                        + specDir + ": run the job with a spec that checkpoints (jobs/durable.yaml) first"));
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
