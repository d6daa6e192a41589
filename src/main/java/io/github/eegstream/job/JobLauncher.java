package io.github.eegstream.job;

import io.github.eegstream.connector.redis.SubscriptionMarker;
import io.github.eegstream.spec.JobSpec;
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
 * The source's connections carry a name of this launch's own and, once subscribed to their
 * patterns, also subscribe to a marker channel of that name and the reader's index ({@link SubscriptionMarker}), so
 * other subscribers, such as a previous job still closing its connections, cannot be mistaken for
 * it, and the job's Redis user needs no CLIENT LIST.
 */
public final class JobLauncher {

    private JobLauncher() {}

    /**
     * Builds the job into {@code env}, submits it and returns once it is RUNNING with every source
     * reader subscribed.
     *
     * @throws IllegalStateException if the job fails or does not subscribe within {@code timeout}
     */
    public static JobClient submit(StreamExecutionEnvironment env, JobSpec spec, Duration timeout) throws Exception {
        RedisEndpoint endpoint = spec.redis().endpoint();
        String name = "eegstream-source-" + UUID.randomUUID().toString().substring(0, 8);
        // Pub/sub keeps nothing for a late subscriber: wait for every pattern. Streams keep
        // everything: the job is ready once it runs.
        java.util.List<String> markers = spec.source().durable() ? java.util.List.of()
                : java.util.stream.IntStream.range(0, env.getParallelism())
                        .mapToObj(i -> SubscriptionMarker.channel(name, "reader-" + i)).toList();
        int patterns = markers.size();
        if (spec.source().durable()) {
            requireFunctions(endpoint); // the durable sink's FCALL: say what is missing here, not in a task's log
        }
        PredictionPipeline.build(env, spec, name);
        if (endpoint.isCluster()) {
            java.util.List<String> shardMarkers = java.util.stream.IntStream.range(0, env.getParallelism())
                    .mapToObj(i -> io.github.eegstream.connector.redis.source.sharded.ShardedPubSubSource.readerMarker(name, i)).toList();
            return awaitSharded(env.executeAsync(PredictionPipeline.jobName(spec)), endpoint, shardMarkers, timeout);
        }
        JobClient job = env.executeAsync(PredictionPipeline.jobName(spec));
        RedisClient redis = endpoint.createClient();
        try (StatefulRedisConnection<String, String> connection = redis.connect()) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (subscribed(connection, markers) < patterns || job.getJobStatus().get() != JobStatus.RUNNING) {
                JobStatus status = job.getJobStatus().get();
                if (status.isGloballyTerminalState() || System.nanoTime() > deadline) {
                    if (!status.isGloballyTerminalState()) {
                        job.cancel().get();
                    }
                    throw new IllegalStateException("the job's " + patterns + " source readers did not subscribe at "
                            + endpoint + " within " + timeout.toSeconds() + " s (job " + status + (status == JobStatus.RUNNING ? ""
                            : "; its log and the Flink web UI's Exceptions tab say why") + ")", failure(job, status));
                }
                Thread.sleep(50);
            }
            return job;
        } finally {
            redis.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    /** Why a job that ended failed, as its result says (null if it did not fail, or cannot tell). */
    static Throwable failure(JobClient job, JobStatus status) {
        if (status != JobStatus.FAILED) {
            return null;
        }
        try {
            job.getJobExecutionResult().get(5, java.util.concurrent.TimeUnit.SECONDS);
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return null;
        }
    }

    /** On a Redis Cluster: each reader's marker has a subscriber at its slot's master (PUBSUB SHARDNUMSUB). */
    private static JobClient awaitSharded(JobClient job, RedisEndpoint endpoint, java.util.List<String> markers, Duration timeout)
            throws Exception {
        io.lettuce.core.cluster.RedisClusterClient cluster = endpoint.createClusterClient(null);
        try (var connection = cluster.connect()) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                JobStatus status = job.getJobStatus().get();
                if (status == JobStatus.RUNNING && io.github.eegstream.redis.ClusterNodes.shardSubscribers(connection, markers) == markers.size()) {
                    return job;
                }
                if (status.isGloballyTerminalState() || System.nanoTime() > deadline) {
                    if (!status.isGloballyTerminalState()) {
                        job.cancel().get();
                    }
                    throw new IllegalStateException("the job's " + markers.size() + " source readers did not subscribe at "
                            + endpoint + " within " + timeout.toSeconds() + " s (job " + status + ")", failure(job, status));
                }
                Thread.sleep(50);
            }
        } finally {
            cluster.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    private static void requireFunctions(RedisEndpoint endpoint) {
        RedisClient redis = endpoint.createClient();
        try (StatefulRedisConnection<String, String> connection = redis.connect()) {
            io.github.eegstream.redis.RedisFunctions.ensureLoaded(connection.sync(), endpoint);
        } finally {
            redis.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    /** The patterns whose marker channel has a subscriber (PUBSUB NUMSUB). */
    private static long subscribed(StatefulRedisConnection<String, String> connection, java.util.List<String> markers) {
        if (markers.isEmpty()) {
            return 0;
        }
        return connection.sync().pubsubNumsub(markers.toArray(String[]::new)).values().stream()
                .filter(n -> n != null && n > 0).count();
    }
}
