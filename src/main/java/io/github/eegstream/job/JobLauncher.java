package io.github.eegstream.job;

import io.github.eegstream.redis.RedisEndpoint;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Submits the prediction job and waits until its source has subscribed to Redis, so that samples
 * published from then on are read. (Pub/sub keeps nothing: a sample published earlier is gone.)
 */
public final class JobLauncher {

    private JobLauncher() {}

    /**
     * Builds the job into {@code env}, submits it and returns once it is RUNNING with every source
     * pattern subscribed.
     *
     * @throws IllegalStateException if the job fails or does not subscribe within {@code timeout}
     */
    public static JobClient submit(StreamExecutionEnvironment env, JobSpec spec, Duration timeout) throws Exception {
        RedisEndpoint endpoint = spec.redis().endpoint();
        RedisClient redis = endpoint.createClient();
        try (StatefulRedisConnection<String, String> connection = redis.connect()) {
            long before = connection.sync().pubsubNumpat();
            int patterns = spec.source().patternsFor(env.getParallelism()).size();
            PredictionPipeline.build(env, spec);
            JobClient job = env.executeAsync(PredictionPipeline.jobName(spec));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (connection.sync().pubsubNumpat() < before + patterns) {
                JobStatus status = job.getJobStatus().get();
                if (status.isGloballyTerminalState() || System.nanoTime() > deadline) {
                    if (!status.isGloballyTerminalState()) {
                        job.cancel().get();
                    }
                    throw new IllegalStateException("the job did not subscribe to " + patterns + " patterns"
                            + " at " + endpoint + " within " + timeout.toSeconds() + " s (job " + status + ")");
                }
                Thread.sleep(50);
            }
            return job;
        } finally {
            redis.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }
}
