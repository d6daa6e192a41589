package io.github.eegstream.connector.redis.sink;

import io.github.eegstream.connector.redis.RedisClientFactory;
import java.time.Duration;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Publishes {@link Publication}s to Redis: pipelined, at most once by default, exactly once with
 * {@link Builder#setDeduplicate} and a {@link PublishOnceFunction}.
 *
 * <pre>{@code
 * stream.sinkTo(RedisPublishSink.builder()
 *         .setEndpoint(RedisClientFactory.fromUrl("redis://127.0.0.1:6379"))
 *         .setBatchSize(512)
 *         .setFlushInterval(Duration.ofMillis(2))
 *         .build());
 * }</pre>
 */
public final class RedisPublishSink implements Sink<Publication> {

    private final RedisClientFactory endpoint;
    private final int batchSize;
    private final Duration flushInterval;
    private final int maxInFlight;
    private final Duration deduplicateFor;
    private final PublishOnceFunction publishOnce;

    private RedisPublishSink(RedisClientFactory endpoint, int batchSize, Duration flushInterval, int maxInFlight,
            Duration deduplicateFor, PublishOnceFunction publishOnce) {
        this.publishOnce = publishOnce;
        this.endpoint = endpoint;
        this.batchSize = batchSize;
        this.flushInterval = flushInterval;
        this.maxInFlight = maxInFlight;
        this.deduplicateFor = deduplicateFor;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public SinkWriter<Publication> createWriter(WriterInitContext context) {
        return new RedisPublishWriter(context, endpoint, batchSize, flushInterval, maxInFlight, deduplicateFor, publishOnce);
    }

    /** Configures a {@link RedisPublishSink}; the endpoint is required. */
    public static final class Builder {
        private RedisClientFactory endpoint;
        private int batchSize = 512;
        private Duration flushInterval = Duration.ofMillis(2);
        private int maxInFlight = 10_000;
        private Duration deduplicateFor;
        private PublishOnceFunction publishOnce;

        private Builder() {}

        /** Where Redis is, and how clients are made: {@link RedisClientFactory#fromUrl}, or one's own. */
        public Builder setEndpoint(RedisClientFactory endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        /** Commands written to the socket at once. */
        public Builder setBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** The longest a command waits for its batch to fill: the latency the sink may add. */
        public Builder setFlushInterval(Duration flushInterval) {
            this.flushInterval = flushInterval;
            return this;
        }

        /** Unacknowledged commands after which the writer waits for Redis (backpressure). */
        public Builder setMaxInFlight(int maxInFlight) {
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
        public Builder setDeduplicate(Duration memory) {
            this.deduplicateFor = memory;
            return this;
        }

        /** The Redis function that publishes each sequence once, for {@link #setDeduplicate}. */
        public Builder setPublishOnceFunction(PublishOnceFunction publishOnce) {
            this.publishOnce = publishOnce;
            return this;
        }

        public RedisPublishSink build() {
            if (endpoint == null) {
                throw new IllegalStateException("a Redis publish sink needs an endpoint");
            }
            if (batchSize < 1 || maxInFlight < batchSize || flushInterval.isNegative()) {
                throw new IllegalStateException(
                        "need batch size >= 1, max in flight >= batch size and a flush interval >= 0");
            }
            if (deduplicateFor != null && publishOnce == null) {
                throw new IllegalStateException("a deduplicating Redis publish sink needs a publish-once function");
            }
            return new RedisPublishSink(endpoint, batchSize, flushInterval, maxInFlight, deduplicateFor, publishOnce);
        }
    }
}
