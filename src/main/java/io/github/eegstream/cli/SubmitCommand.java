package io.github.eegstream.cli;

import io.github.eegstream.cluster.FlinkRestClient;
import io.github.eegstream.cluster.JobSubmission;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code eeg submit}: the job jar to a Flink cluster through its REST API, as {@code flink run -d} does. */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {"Submits the prediction job to a running Flink cluster (its REST API, as flink run does) and "
                + "waits until every task runs.",
            "Equivalent: flink run -d -m HOST:PORT -p P [-s SAVEPOINT] target/eegstream-job.jar --spec SPEC --redis URL"})
final class SubmitCommand implements Callable<Integer> {

    @Option(names = "--cluster", defaultValue = "http://127.0.0.1:8081", paramLabel = "URL",
            description = "The cluster's REST address (its web UI). Default: ${DEFAULT-VALUE}.")
    String cluster;

    @Option(names = "--parallelism", paramLabel = "P", description = "Parallelism of the job (default: the spec's, else the cluster's).")
    Integer parallelism;

    @Option(names = "--spec", paramLabel = "SPEC", description = "Job spec: a built-in name or a YAML file (default: default).")
    String spec;

    @Option(names = "--savepoint", paramLabel = "PATH", description = "Start from this savepoint or retained checkpoint.")
    String savepoint;

    @Option(names = "--redis", paramLabel = "URL",
            description = "Redis URL the job uses (default: the spec's, else the cluster's $REDIS_URL, else redis://127.0.0.1:6379).")
    String redis;

    @Option(names = "--jar", paramLabel = "JAR", description = "The job jar. Default: target/eegstream-job.jar.")
    Path jar;

    @Option(names = "--timeout", defaultValue = "120", paramLabel = "SECONDS",
            description = "How long to wait for the job to run. Default: ${DEFAULT-VALUE}.")
    long timeout;

    @Override
    public Integer call() throws Exception {
        Path j = jar != null ? jar : Path.of(System.getProperty("eegstream.home", "."), "target", "eegstream-job.jar");
        if (!Files.isRegularFile(j)) {
            throw new IllegalArgumentException("no job jar at " + j + ": build it with ./mvnw -DskipTests package");
        }
        FlinkRestClient rest = new FlinkRestClient(cluster);
        JobSubmission submission = JobSubmission.of(j).withSpec(absoluteIfLocalFile(spec)).withRedis(redis)
                .withParallelism(parallelism).withSavepoint(savepoint);
        Screen.println("Submitting " + j + " to " + rest.url() + " " + submission.programArgs()
                + (parallelism == null ? "" : " at parallelism " + parallelism)
                + (savepoint == null ? "" : " from " + savepoint));
        String jobId = submission.submit(rest);
        Screen.println("Job " + jobId + " submitted; web UI: " + rest.url() + "/#/job/running/" + jobId + "/overview");
        try {
            rest.awaitRunning(jobId, Duration.ofSeconds(timeout));
        } catch (IllegalStateException e) {
            rest.cancel(jobId);
            throw new IllegalStateException(e.getMessage() + " (job cancelled)", e);
        }
        Screen.println("Job " + jobId + " RUNNING. Stop it with a savepoint: bin/eeg stop-job --cluster " + rest.url()
                + " --job " + jobId);
        return 0;
    }

    /** The job's main() runs on the JobManager, in another directory: name a spec file by its absolute path. */
    private static String absoluteIfLocalFile(String spec) {
        if (spec != null && Files.isRegularFile(Path.of(spec))) {
            return Path.of(spec).toAbsolutePath().toString();
        }
        return spec;
    }
}
