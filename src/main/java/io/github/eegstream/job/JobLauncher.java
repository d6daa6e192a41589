package io.github.eegstream.job;

import io.github.eegstream.redis.RedisEndpoint;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.UUID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Submits the prediction job and waits until its source has subscribed to Redis, so that samples
 * published from then on are read. (Pub/sub keeps nothing: a sample published earlier is gone.)
 * The source's connections carry a name of this launch's own, so other subscribers, such as a
 * previous job still closing its connections, cannot be mistaken for it.
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
        String name = "eegstream-source-" + UUID.randomUUID().toString().substring(0, 8);
        // Pub/sub keeps nothing for a late subscriber: wait for every pattern. Streams keep
        // everything: the job is ready once it runs.
        int patterns = spec.source().durable() ? 0 : spec.source().patternsFor(env.getParallelism()).size();
        PredictionPipeline.build(env, spec, name);
        JobClient job = env.executeAsync(PredictionPipeline.jobName(spec));
        RedisClient redis = endpoint.createClient();
        try (StatefulRedisConnection<String, String> connection = redis.connect()) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (subscribed(connection, name) < patterns || job.getJobStatus().get() != JobStatus.RUNNING) {
                JobStatus status = job.getJobStatus().get();
                if (status.isGloballyTerminalState() || System.nanoTime() > deadline) {
                    if (!status.isGloballyTerminalState()) {
                        job.cancel().get();
                    }
                    throw new IllegalStateException("the job did not subscribe to its " + patterns + " patterns at "
                            + endpoint + " within " + timeout.toSeconds() + " s (job " + status + (status == JobStatus.RUNNING ? ""
                            : "; its log and the Flink web UI's Exceptions tab say why") + ")");
                }
                Thread.sleep(50);
            }
            return job;
        } finally {
            redis.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    /** Connections named {@code name} that hold a pattern subscription (CLIENT LIST's psub field). */
    private static long subscribed(StatefulRedisConnection<String, String> connection, String name) {
        return connection.sync().clientList().lines()
                .filter(l -> l.contains(" name=" + name + " ") && !l.contains(" psub=0 "))
                .count();
    }
}
