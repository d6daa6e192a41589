package io.github.eegstream.connector.redis.sink;

import io.github.eegstream.connector.redis.RedisClientFactory;
import java.time.Duration;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Publishes records to Redis, each as the {@link Publication} its {@link PublicationSerializer}
 * makes of it: pipelined, at most once by default, exactly once with {@link Builder#setDeduplicate}
 * and a {@link PublishOnceFunction}. {@link #builder()} is for a stream of {@code Publication}s,
 * {@link #builder(PublicationSerializer)} for any other.
 *
 * <pre>{@code
 * stream.sinkTo(RedisPublishSink.builder()
 *         .setEndpoint(RedisClientFactory.fromUrl("redis://127.0.0.1:6379"))
 *         .setBatchSize(512)
 *         .setFlushInterval(Duration.ofMillis(2))
 *         .build());
 * }</pre>
 */
public final class RedisPublishSink<T> implements Sink<T> {

    private final RedisClientFactory endpoint;
    private final int batchSize;
    private final Duration flushInterval;
    private final int maxInFlight;
    private final Duration deduplicateFor;
    private final PublishOnceFunction publishOnce;
    private final String deduplicationScope;
    private final PublicationSerializer<T> serializer;

    private RedisPublishSink(PublicationSerializer<T> serializer, RedisClientFactory endpoint, int batchSize,
            Duration flushInterval, int maxInFlight, Duration deduplicateFor, PublishOnceFunction publishOnce,
            String deduplicationScope) {
        this.serializer = serializer;
        this.deduplicationScope = deduplicationScope;
        this.publishOnce = publishOnce;
        this.endpoint = endpoint;
        this.batchSize = batchSize;
        this.flushInterval = flushInterval;
        this.maxInFlight = maxInFlight;
        this.deduplicateFor = deduplicateFor;
    }

    /** A sink of {@link Publication}s. */
    public static Builder<Publication> builder() {
        return new Builder<>(PublicationSerializer.identity());
    }

    /** A sink of records that {@code serializer} turns into publications. */
    public static <T> Builder<T> builder(PublicationSerializer<T> serializer) {
        return new Builder<>(serializer);
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        return new RedisPublishWriter<>(context, serializer, endpoint, batchSize, flushInterval, maxInFlight, deduplicateFor,
                publishOnce, deduplicationScope);
    }

    /** Configures a {@link RedisPublishSink}; the endpoint is required. */
    public static final class Builder<T> {
        private final PublicationSerializer<T> serializer;
        private RedisClientFactory endpoint;
        private int batchSize = 512;
        private Duration flushInterval = Duration.ofMillis(2);
        private int maxInFlight = 10_000;
        private Duration deduplicateFor;
        private PublishOnceFunction publishOnce;
        private String deduplicationScope;

        private Builder(PublicationSerializer<T> serializer) {
            this.serializer = serializer;
        }

        /** Where Redis is, and how clients are made: {@link RedisClientFactory#fromUrl}, or one's own. */
        public Builder<T> setEndpoint(RedisClientFactory endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        /** Commands written to the socket at once. */
        public Builder<T> setBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** The longest a command waits for its batch to fill: the latency the sink may add. */
        public Builder<T> setFlushInterval(Duration flushInterval) {
            this.flushInterval = flushInterval;
            return this;
        }

        /** Unacknowledged commands after which the writer waits for Redis (backpressure). */
        public Builder<T> setMaxInFlight(int maxInFlight) {
            this.maxInFlight = maxInFlight;
            return this;
        }

        /**
         * Exactly-once publishing for a job that replays from checkpoints: each channel's last
         * published {@link Publication#sequence()} is kept in Redis (for {@code memory} after its
         * last use) and a publication at or below it is skipped, atomically, in a Redis function
         * ({@link #setPublishOnceFunction}, required with this). A failed
         * write then fails the job, which restarts from its checkpoint. Without this (the
         * default), publishing is at most once: a failed PUBLISH is counted and the job goes on.
         */
        public Builder<T> setDeduplicate(Duration memory) {
            this.deduplicateFor = memory;
            return this;
        }

        /**
         * Whose sequences these are, for {@link #setDeduplicate} (required with it): the job's
         * identity. Each scope keeps its own last sequence per channel, at
         * {@code <sequence key prefix><scope>:<channel>}, so two jobs publishing to the same
         * channels each publish everything once, while a restarted job, in the same scope, does
         * not publish again what it published before. No {@code :} in it.
         */
        public Builder<T> setDeduplicationScope(String scope) {
            this.deduplicationScope = scope;
            return this;
        }

        /** The Redis function that publishes each sequence once, for {@link #setDeduplicate}. */
        public Builder<T> setPublishOnceFunction(PublishOnceFunction publishOnce) {
            this.publishOnce = publishOnce;
            return this;
        }

        public RedisPublishSink<T> build() {
            if (endpoint == null || serializer == null) {
                throw new IllegalStateException("a Redis publish sink needs an endpoint and a serializer");
            }
            if (batchSize < 1 || maxInFlight < batchSize || flushInterval.isNegative()) {
                throw new IllegalStateException(
                        "need batch size >= 1, max in flight >= batch size and a flush interval >= 0");
            }
            if (deduplicateFor != null && endpoint.isCluster()) {
                throw new IllegalStateException("exactly-once publishing (setDeduplicate, durable mode) is not supported on a"
                        + " Redis Cluster yet (" + endpoint.redacted() + "): use a single Redis node, or publish at most once");
            }
            if (deduplicateFor != null && publishOnce == null) {
                throw new IllegalStateException("a deduplicating Redis publish sink needs a publish-once function");
            }
            if (deduplicateFor != null && (deduplicationScope == null || deduplicationScope.isEmpty()
                    || deduplicationScope.indexOf(':') >= 0)) {
                throw new IllegalStateException("a deduplicating Redis publish sink needs a scope (the job's identity)"
                        + " without ':', was '" + deduplicationScope + "'");
            }
            return new RedisPublishSink<>(serializer, endpoint, batchSize, flushInterval, maxInFlight, deduplicateFor,
                    publishOnce, deduplicationScope);
        }
    }
}
