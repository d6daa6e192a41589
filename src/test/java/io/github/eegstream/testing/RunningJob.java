package io.github.eegstream.testing;

import io.github.eegstream.spec.JobSpec;
import io.github.eegstream.job.JobLauncher;
import io.github.eegstream.spec.JobSpecs;
import io.github.eegstream.job.PredictionPipeline;
import java.time.Duration;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The prediction job running on the test's MiniCluster against the test Redis, started and
 * awaited until its source has subscribed, so no test sample is published into the void.
 */
public final class RunningJob implements AutoCloseable {

    private final JobClient client;

    private RunningJob(JobClient client) {
        this.client = client;
    }

    public static RunningJob start(String specName) throws Exception {
        return start(JobSpecs.load(specName).withRedisUrl(TestRedis.endpoint().url()));
    }

    public static RunningJob start(JobSpec spec) throws Exception {
        return start(spec, new org.apache.flink.configuration.Configuration());
    }

    /** With Flink settings of the test's own on top of the spec's (checkpoint directory, restore path). */
    public static RunningJob start(JobSpec spec, org.apache.flink.configuration.Configuration extra) throws Exception {
        org.apache.flink.configuration.Configuration conf = PredictionPipeline.configuration(spec);
        conf.addAll(extra);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        return new RunningJob(JobLauncher.submit(env, spec, Duration.ofSeconds(60)));
    }

    public org.apache.flink.api.common.JobID jobId() {
        return client.getJobID();
    }

    public JobStatus status() throws Exception {
        return client.getJobStatus().get();
    }

    /** Stops the job with a savepoint in {@code dir} and returns the savepoint's path. */
    public String stopWithSavepoint(java.nio.file.Path dir) throws Exception {
        return client.stopWithSavepoint(false, dir.toUri().toString(),
                org.apache.flink.core.execution.SavepointFormatType.CANONICAL).get(60, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        try {
            if (!status().isGloballyTerminalState()) {
                client.cancel().get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not cancel the job", e);
        }
    }
}
