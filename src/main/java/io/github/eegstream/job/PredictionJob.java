package io.github.eegstream.job;

import io.github.eegstream.spec.JobSpec;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The entry point of the job jar for a Flink cluster:
 * {@code flink run -p 4 target/eegstream-job.jar --spec default --redis redis://redis:6379}, or
 * {@code eeg submit --cluster URL}, which runs it through the cluster's REST API.
 */
@Command(name = "eegstream-job", mixinStandardHelpOptions = true,
        description = "Submits the EEG prediction job to the Flink cluster this is run against.")
public final class PredictionJob implements Callable<Integer> {

    @Mixin
    JobOptions options;

    /**
     * Runs where the job is submitted from: in {@code flink run}'s client, or inside the JobManager
     * when submitted through the REST API or the web UI. So it never calls System.exit (that would
     * end the JobManager): a bad argument or spec is thrown, and Flink reports it to the submitter.
     */
    public static void main(String[] args) throws Exception {
        PredictionJob job = new PredictionJob();
        CommandLine cli = new CommandLine(job);
        CommandLine.ParseResult parsed = cli.parseArgs(args);
        if (CommandLine.printHelpIfRequested(parsed)) {
            return;
        }
        job.call();
    }

    @Override
    public Integer call() throws Exception {
        JobSpec spec = options.resolve();
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(PredictionPipeline.configuration(spec));
        PredictionPipeline.build(env, spec);
        env.execute(PredictionPipeline.jobName(spec));
        return 0;
    }
}
