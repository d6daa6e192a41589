package io.github.eegstream.spec;

import io.github.eegstream.dsp.FeatureSettings;
import io.github.eegstream.dsp.Length;
import io.github.eegstream.dsp.Windowing;
import io.github.eegstream.model.AlertRule;
import io.github.eegstream.model.CalibrationSettings;
import io.github.eegstream.model.WindowAnalysis;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.eegstream.redis.RedisEndpoint;
import io.github.eegstream.redis.RedisTls;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * Everything a prediction job is configured with, as read from a spec in {@code jobs/} by
 * {@link JobSpecs}. Immutable and serializable: the client reads it once and Flink ships it with
 * the operators to the cluster. {@code jobs/default.yaml} documents every setting.
 */
public record JobSpec(
        String name,
        String jobId,
        String description,
        Redis redis,
        Source source,
        Window window,
        Admission admission,
        FeatureSettings features,
        CalibrationSettings calibration,
        Model model,
        List<AlertRule> alerts,
        Outputs outputs,
        State state,
        Sink sink,
        Pipeline pipeline)
        implements Serializable {

    public JobSpec {
        alerts = alerts == null ? List.of() : List.copyOf(alerts);
    }

    /**
     * Redis; an empty url means {@code $REDIS_URL}, else {@code redis://127.0.0.1:6379}. The TLS
     * settings are the command line's ({@code --redis-ca-cert}), null for the system properties or
     * the environment; never read from the spec file.
     */
    public record Redis(String url, @JsonIgnore RedisTls tls) implements Serializable {
        @JsonCreator
        public Redis(@JsonProperty("url") String url) {
            this(url, null);
        }

        public RedisEndpoint endpoint() {
            return RedisEndpoint.resolve(url, tls);
        }

        @Override
        public String toString() {
            return "Redis[url=" + RedisEndpoint.redact(url) + "]"; // never the password
        }
    }

    /**
     * Where raw samples come from. In {@code pubsub} mode, every user's raw channel, shared over
     * the source's readers by load (each reads the users of some classes of ids, and busy classes
     * are cut finer and moved while the job runs). {@code patterns} and {@code shards} are left
     * from fixed patterns and must stay empty and 0. In {@code streams} mode, every
     * Redis Stream {@code user:*:raw} that durable relays append to (found every
     * {@code discoveryInterval}), with read positions in checkpoints. A sample of rejected
     * messages goes to {@code deadLetterChannel} (empty: nowhere).
     *
     * <p>Memory: a pub/sub reader holds at most {@code queueCapacity} messages and
     * {@code queueBytes} bytes; a streams reader reads at most {@code fetchEntries} entries and
     * {@code fetchBytes} bytes per XREAD, across all its streams. A message over
     * {@code maxMessageBytes} is rejected as it arrives, before it is copied.
     */
    public record Source(SourceMode mode, List<String> patterns, Integer shards, int queueCapacity, long queueBytes,
            int maxMessageBytes, String deadLetterChannel, Duration discoveryInterval, int fetchEntries, long fetchBytes)
            implements Serializable {
        public Source {
            patterns = patterns == null ? List.of() : List.copyOf(patterns);
        }

        /** True in streams mode: every sample is read from a Redis Stream, exactly once across restarts. */
        public boolean durable() {
            return mode == SourceMode.STREAMS;
        }
    }

    /**
     * Windows per user: {@code size} and {@code hop} both in samples or both in seconds. A user
     * silent for {@code stallTimeout} has its windows cleared (after predicting a half-full last
     * window, with {@code flushPartial}) and a {@code stream_stalled} alert raised. A jump of more
     * than {@code gapAlert} between consecutive samples' timestamps raises {@code samples_missing}.
     * A step back, or a step forward ahead of the time that passed, of more than {@code clockJump}
     * starts a new segment of the user's timeline (after predicting a half-full last window, with
     * {@code flushPartial}) and raises {@code clock_jump}; a smaller step back is a repeat.
     */
    public record Window(Length size, Length hop, Duration stallTimeout, boolean flushPartial, Duration gapAlert,
            Duration clockJump)
            implements Serializable {
        /** How a user's timestamps are followed: repeats, gaps and clock jumps. */
        public io.github.eegstream.dsp.Timeline timeline() {
            return new io.github.eegstream.dsp.Timeline(seconds(clockJump), seconds(gapAlert));
        }

        public Windowing windowing() {
            return new Windowing(size, hop);
        }
    }

    /**
     * How many samples per second each user is admitted, in pub/sub mode: {@code rateFactor} times
     * the stream's own rate (declared by its chunks, or measured from its timestamps), at most
     * {@code maxRate}; bursts of up to {@code burst} of the stream's samples pass at once (a relay
     * sends what it held during an outage). The excess is dropped, counted and alerted
     * ({@code rate_exceeded}). Durable mode admits everything: its backlog after a restore is no flood.
     */
    public record Admission(double rateFactor, double maxRate, Duration burst) implements Serializable {}

    /**
     * The model ({@code builtin:indices} or {@code onnx:<path>}) and the {@code prediction_type} it
     * publishes. {@link JobSpecs} reads an ONNX file into {@code onnx}, which travels with the job.
     */
    public record Model(String name, String predictionType, byte[] onnx) implements Serializable {}

    /** What is published besides predictions and alerts. */
    public record Outputs(boolean features) implements Serializable {}

    /** How long a user's calibration and alert state outlives the user's last window. */
    public record State(Duration userTtl) implements Serializable {}

    /** Redis writes: commands per batch and the longest a batch waits. */
    public record Sink(int batchSize, Duration flushInterval) implements Serializable {}

    /**
     * Flink settings: parallelism (0 = Flink's default), how long a network buffer may wait before
     * it is sent (Flink's 100 ms default is far too long for feedback loops), checkpoint interval
     * (zero = off).
     */
    public record Pipeline(int parallelism, Duration bufferTimeout, Duration checkpointInterval)
            implements Serializable {}

    /** A duration in seconds, without the overflow of {@link Duration#toNanos()} for long ones. */
    static double seconds(Duration d) {
        return d.getSeconds() + d.getNano() / 1e9;
    }

    /**
     * Who this job is: its {@code job-id}, else its spec's name. It keys the job's checkpoint
     * directory and its exactly-once bookkeeping in Redis, and names it on every output
     * ({@link #predictionSource()}): two jobs of different identities on the same users each
     * publish every window, two of the same identity are one job.
     */
    public String identity() {
        return jobId == null || jobId.isBlank() ? name : jobId;
    }

    /** The {@code source} name put on every output: {@code eegstream:<identity>}. */
    public String predictionSource() {
        return "eegstream:" + identity();
    }

    /** This spec running as job {@code jobId} (null: as its spec's name). */
    public JobSpec withJobId(String jobId) {
        return new JobSpec(name, jobId, description, redis, source, window, admission, features, calibration, model, alerts,
                outputs, state, sink, pipeline);
    }

    /** This spec reading {@code source} instead. */
    public JobSpec withSource(Source source) {
        return new JobSpec(name, jobId, description, redis, source, window, admission, features, calibration, model, alerts,
                outputs, state, sink, pipeline);
    }

    /** The part of the spec the per-window analysis needs. */
    public WindowAnalysis.Settings analysis() {
        return new WindowAnalysis.Settings(features, calibration, model.name(), model.onnx(), model.predictionType(),
                predictionSource(), alerts);
    }

    public JobSpec withRedisUrl(String url) {
        return new JobSpec(name, jobId, description, new Redis(url, redis.tls()), source, window, admission, features, calibration, model, alerts,
                outputs, state, sink, pipeline);
    }

    /** This spec trusting {@code tls} for its Redis (a command's own options). */
    public JobSpec withRedisTls(RedisTls tls) {
        return new JobSpec(name, jobId, description, new Redis(redis.url(), tls), source, window, admission, features, calibration,
                model, alerts, outputs, state, sink, pipeline);
    }

    public JobSpec withParallelism(int parallelism) {
        return new JobSpec(name, jobId, description, redis, source, window, admission, features, calibration, model, alerts, outputs,
                state, sink, new Pipeline(parallelism, pipeline.bufferTimeout(), pipeline.checkpointInterval()));
    }

    public JobSpec withWindow(Window window) {
        return new JobSpec(name, jobId, description, redis, source, window, admission, features, calibration, model, alerts, outputs,
                state, sink, pipeline);
    }

    public JobSpec withModel(Model model) {
        return new JobSpec(name, jobId, description, redis, source, window, admission, features, calibration, model, alerts, outputs,
                state, sink, pipeline);
    }

    public JobSpec withAlerts(List<AlertRule> alerts) {
        return new JobSpec(name, jobId, description, redis, source, window, admission, features, calibration, model, alerts, outputs,
                state, sink, pipeline);
    }
}
