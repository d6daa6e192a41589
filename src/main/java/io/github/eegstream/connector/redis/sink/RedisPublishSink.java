package io.github.eegstream.connector.redis.sink;

import io.github.eegstream.redis.RedisEndpoint;
import java.time.Duration;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Publishes {@link Publication}s to Redis: pipelined, at most once by default, exactly once with
 * {@link Builder#setDeduplicate}.
 *
 * <pre>{@code
 * stream.sinkTo(RedisPublishSink.builder()
 *         .setEndpoint(new RedisEndpoint("redis://127.0.0.1:6379"))
 *         .setBatchSize(512)
 *         .setFlushInterval(Duration.ofMillis(2))
 *         .build());
 * }</pre>
 */
public final class RedisPublishSink implements Sink<Publication> {

    private final RedisEndpoint endpoint;
    private final int batchSize;
    private final Duration flushInterval;
    private final int maxInFlight;
    private final Duration deduplicateFor;

    private RedisPublishSink(RedisEndpoint endpoint, int batchSize, Duration flushInterval, int maxInFlight,
            Duration deduplicateFor) {
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
        return new RedisPublishWriter(context, endpoint, batchSize, flushInterval, maxInFlight, deduplicateFor);
    }

    /** Configures a {@link RedisPublishSink}; the endpoint is required. */
    public static final class Builder {
        private RedisEndpoint endpoint;
        private int batchSize = 512;
        private Duration flushInterval = Duration.ofMillis(2);
        private int maxInFlight = 10_000;
        private Duration deduplicateFor;

        private Builder() {}

        public Builder setEndpoint(RedisEndpoint endpoint) {
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
         * last use) and a publication at or below it is skipped, atomically, in a Redis function ({@link io.github.eegstream.redis.RedisFunctions}). A failed
         * write then fails the job, which restarts from its checkpoint. Without this (the
         * default), publishing is at most once: a failed PUBLISH is counted and the job goes on.
         */
        public Builder setDeduplicate(Duration memory) {
            this.deduplicateFor = memory;
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
            return new RedisPublishSink(endpoint, batchSize, flushInterval, maxInFlight, deduplicateFor);
        }
    }
}
