package io.github.eegstream.cli;

import io.github.eegstream.job.EmbeddedFlink;
import io.github.eegstream.job.JobOptions;
import io.github.eegstream.spec.JobSpec;
import io.github.eegstream.job.PredictionPipeline;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code eeg job}: the prediction job on an embedded Flink with its web UI. */
@Command(name = "job", mixinStandardHelpOptions = true,
        description = {"Runs the prediction job in this process (a local Flink MiniCluster with the web UI) until Ctrl-C.",
            "To run it on a Flink cluster instead: eeg submit --cluster URL --spec SPEC, or flink run target/eegstream-job.jar --spec SPEC (see README)."})
final class JobCommand implements Callable<Integer> {

    @Mixin
    JobOptions job;

    @Option(names = "--web-port", defaultValue = "8081", paramLabel = "PORT",
            description = "Port of the Flink web UI; 0 for any free port. Default: ${DEFAULT-VALUE}.")
    int webPort;

    @Option(names = "--restore", paramLabel = "PATH",
            description = "Start from a checkpoint or savepoint (a path, or 'latest' for the newest retained checkpoint or savepoint).")
    String restore;

    @Override
    public Integer call() throws Exception {
        JobSpec spec = job.resolve();
        Screen.println("Starting job '" + PredictionPipeline.jobName(spec) + "' (" + spec.description() + ")"
                + (restore == null ? "" : " from checkpoint " + restore));
        EmbeddedFlink.Running running = EmbeddedFlink.start(spec, webPort, restore);
        Screen.println("Job RUNNING: reading user:{id}:raw at " + spec.redis().endpoint()
                + ", publishing to user:{id}:predictions");
        Screen.println("Flink web UI: " + running.webUrl() + "   (Ctrl-C stops the job)");
        Thread hook = new Thread(() -> {
            // Stopped with a savepoint, so that --restore continues every user's state.
            try {
                String savepoint = running.job().stopWithSavepoint(false, running.savepointDir(),
                        org.apache.flink.core.execution.SavepointFormatType.CANONICAL).get(30, TimeUnit.SECONDS);
                Screen.println("Stopped with a savepoint: " + savepoint + "   (continue with --restore " + savepoint
                        + " or --restore latest)");
            } catch (Exception e) {
                Screen.println("No savepoint (" + e.getMessage() + "); cancelling");
                try {
                    running.job().cancel().get(10, TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    // exiting anyway
                }
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        running.job().getJobExecutionResult().get();
        return 0;
    }
}
