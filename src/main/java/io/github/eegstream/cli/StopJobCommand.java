package io.github.eegstream.cli;

import io.github.eegstream.cluster.FlinkRestClient;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code eeg stop-job}: stops a job on a cluster with a savepoint, as {@code flink stop} does. */
@Command(name = "stop-job", mixinStandardHelpOptions = true,
        description = {"Stops a job on a Flink cluster with a savepoint and prints the savepoint's path; "
                + "eeg submit --savepoint PATH starts it again from there.",
            "Equivalent: flink stop -m HOST:PORT [-p DIR] JOB_ID"})
final class StopJobCommand implements Callable<Integer> {

    @Option(names = "--cluster", defaultValue = "http://127.0.0.1:8081", paramLabel = "URL",
            description = "The cluster's REST address (its web UI). Default: ${DEFAULT-VALUE}.")
    String cluster;

    @Option(names = "--job", required = true, paramLabel = "ID", description = "The job's id (eeg submit prints it).")
    String job;

    @Option(names = "--savepoint-dir", paramLabel = "DIR",
            description = "Where to write the savepoint (default: the cluster's execution.checkpointing.savepoint-dir).")
    String savepointDir;

    @Option(names = "--timeout", defaultValue = "120", paramLabel = "SECONDS",
            description = "How long to wait for the savepoint. Default: ${DEFAULT-VALUE}.")
    long timeout;

    @Override
    public Integer call() throws Exception {
        FlinkRestClient rest = new FlinkRestClient(cluster);
        Screen.println("Stopping job " + job + " with a savepoint ...");
        String path = rest.stopWithSavepoint(job, savepointDir, Duration.ofSeconds(timeout));
        Screen.println("Job " + job + " stopped; savepoint: " + path);
        Screen.println("Start it again from there: bin/eeg submit --cluster " + rest.url() + " --savepoint " + path + " ...");
        return 0;
    }
}
