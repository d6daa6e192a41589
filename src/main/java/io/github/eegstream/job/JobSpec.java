package io.github.eegstream.job;

import io.github.eegstream.redis.RedisEndpoint;
import java.io.Serializable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a prediction job is configured with, as read from a spec in {@code jobs/} by
 * {@link JobSpecs}. Immutable and serializable: the client reads it once and Flink ships it with
 * the operators to the cluster.
 */
public record JobSpec(
        String name,
        String description,
        Redis redis,
        Source source,
        Window window,
        Features features,
        Model model,
        Sink sink,
        Pipeline pipeline)
        implements Serializable {

    /** Redis; an empty url means {@code $REDIS_URL}, else {@code redis://127.0.0.1:6379}. */
    public record Redis(String url) implements Serializable {
        public RedisEndpoint endpoint() {
            return RedisEndpoint.resolve(url);
        }
    }

    /** The raw channels to read: patterns, each read by one source reader. */
    public record Source(List<String> patterns, int queueCapacity, int maxMessageBytes) implements Serializable {}

    /**
     * Windows per user: {@code size} and {@code hop} both in samples or both in seconds (hop equal to
     * size gives tumbling windows). A user whose samples stop for {@code stallTimeout} has its state
     * cleared; with {@code flushPartial}, a window at least half full is predicted first.
     */
    public record Window(Length size, Length hop, Duration stallTimeout, boolean flushPartial) implements Serializable {}

    /**
     * Spectral features: Welch's method with Hann segments of {@code welchSegment} (capped at the
     * window) overlapping by {@code welchOverlap}; {@code sampleRate} 0 means "from the stream".
     */
    public record Features(double sampleRate, Length welchSegment, double welchOverlap, Map<String, List<Double>> bands)
            implements Serializable {
        public Features {
            bands = bands == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(bands));
        }
    }

    /** The model ({@code builtin:indices}) and the {@code prediction_type} it publishes. */
    public record Model(String name, String predictionType) implements Serializable {}

    /** Redis writes: commands per batch and the longest a batch waits. */
    public record Sink(int batchSize, Duration flushInterval) implements Serializable {}

    /**
     * Flink settings: parallelism (0 = Flink's default), how long a network buffer may wait before
     * it is sent (Flink's 100 ms default is far too long for feedback loops), checkpoint interval
     * (zero = off).
     */
    public record Pipeline(int parallelism, Duration bufferTimeout, Duration checkpointInterval)
            implements Serializable {}

    /** The {@code source} name put on predictions: {@code eegstream:<spec name>}. */
    public String predictionSource() {
        return "eegstream:" + name;
    }

    public JobSpec withRedisUrl(String url) {
        return new JobSpec(name, description, new Redis(url), source, window, features, model, sink, pipeline);
    }

    public JobSpec withParallelism(int parallelism) {
        return new JobSpec(name, description, redis, source, window, features, model, sink,
                new Pipeline(parallelism, pipeline.bufferTimeout(), pipeline.checkpointInterval()));
    }
}
