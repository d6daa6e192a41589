package io.github.eegstream.testing;

import io.github.eegstream.job.JobSpec;
import io.github.eegstream.job.JobSpecs;
import io.github.eegstream.job.PredictionPipeline;
import io.lettuce.core.api.StatefulRedisConnection;
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
        long patternsBefore = patternSubscriptions();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                PredictionPipeline.configuration(spec));
        PredictionPipeline.build(env, spec);
        RunningJob job = new RunningJob(env.executeAsync(PredictionPipeline.jobName(spec)));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (patternSubscriptions() < patternsBefore + spec.source().patterns().size()) {
            if (System.nanoTime() > deadline || job.status().isGloballyTerminalState()) {
                job.close();
                throw new IllegalStateException("the job's source did not subscribe; job is " + job.status());
            }
            Thread.sleep(50);
        }
        return job;
    }

    public JobStatus status() throws Exception {
        return client.getJobStatus().get();
    }

    /** Redis's count of pattern subscriptions, across all clients. */
    static long patternSubscriptions() {
        try (StatefulRedisConnection<String, String> c = TestRedis.client().connect()) {
            return c.sync().pubsubNumpat();
        }
    }

    @Override
    public void close() throws Exception {
        if (!status().isGloballyTerminalState()) {
            client.cancel().get();
        }
    }
}
