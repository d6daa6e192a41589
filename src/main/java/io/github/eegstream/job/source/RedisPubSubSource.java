package io.github.eegstream.job.source;

import io.github.eegstream.redis.RedisEndpoint;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * An unbounded source of the messages published on Redis channels matching some patterns.
 *
 * <pre>{@code
 * RedisPubSubSource<UserSamples> source = RedisPubSubSource.<UserSamples>builder()
 *         .setEndpoint(new RedisEndpoint("redis://127.0.0.1:6379"))
 *         .setPatterns("user:*:raw")
 *         .setDeserializer(new RawSamplesDeserializer())
 *         .build();
 * env.fromSource(source, WatermarkStrategy.noWatermarks(), "raw EEG");
 * }</pre>
 */
public final class RedisPubSubSource<T>
        implements Source<T, RedisPubSubSplit, RedisPubSubEnumeratorState>, ResultTypeQueryable<T> {

    private final RedisEndpoint endpoint;
    private final List<String> patterns;
    private final MessageDeserializer<T> deserializer;
    private final int queueCapacity;
    private final long queueBytes;
    private final int maxMessageBytes;
    private final String clientName;
    private final String deadLetterChannel;

    private RedisPubSubSource(RedisEndpoint endpoint, List<String> patterns, MessageDeserializer<T> deserializer,
            int queueCapacity, long queueBytes, int maxMessageBytes, String clientName, String deadLetterChannel) {
        this.deadLetterChannel = deadLetterChannel;
        this.endpoint = endpoint;
        this.patterns = List.copyOf(patterns);
        this.deserializer = deserializer;
        this.queueCapacity = queueCapacity;
        this.queueBytes = queueBytes;
        this.maxMessageBytes = maxMessageBytes;
        this.clientName = clientName;
    }

    public static <T> Builder<T> builder() {
        return new Builder<>();
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SourceReader<T, RedisPubSubSplit> createReader(SourceReaderContext context) {
        return new RedisPubSubSourceReader<>(context, endpoint, deserializer, queueCapacity, queueBytes, maxMessageBytes, clientName,
                deadLetterChannel);
    }

    @Override
    public SplitEnumerator<RedisPubSubSplit, RedisPubSubEnumeratorState> createEnumerator(
            SplitEnumeratorContext<RedisPubSubSplit> context) {
        Set<RedisPubSubSplit> splits = new LinkedHashSet<>();
        for (int i = 0; i < patterns.size(); i++) {
            splits.add(new RedisPubSubSplit(patterns.get(i), i));
        }
        return new RedisPubSubEnumerator(context, splits);
    }

    @Override
    public SplitEnumerator<RedisPubSubSplit, RedisPubSubEnumeratorState> restoreEnumerator(
            SplitEnumeratorContext<RedisPubSubSplit> context, RedisPubSubEnumeratorState state) {
        // Pub/sub splits hold no position, and readers checkpoint none: a restore, at this
        // parallelism or another, assigns this job's patterns afresh rather than the old ones.
        return createEnumerator(context);
    }

    @Override
    public SimpleVersionedSerializer<RedisPubSubSplit> getSplitSerializer() {
        return RedisPubSubSplitSerializer.INSTANCE;
    }

    @Override
    public SimpleVersionedSerializer<RedisPubSubEnumeratorState> getEnumeratorCheckpointSerializer() {
        return RedisPubSubEnumeratorStateSerializer.INSTANCE;
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return deserializer.getProducedType();
    }

    /** Configures a {@link RedisPubSubSource}; endpoint, patterns and deserializer are required. */
    public static final class Builder<T> {
        private RedisEndpoint endpoint;
        private List<String> patterns = List.of();
        private MessageDeserializer<T> deserializer;
        private int queueCapacity = 100_000;
        private long queueBytes = 64L << 20;
        private int maxMessageBytes = 1 << 20;
        private String clientName;
        private String deadLetterChannel;

        private Builder() {}

        /**
         * Where a sample of rejected messages goes, with the reason (the first ten per reason, then
         * one in a thousand); null for nowhere.
         */
        public Builder<T> setDeadLetterChannel(String deadLetterChannel) {
            this.deadLetterChannel = deadLetterChannel;
            return this;
        }

        /** The name the readers' Redis connections carry (CLIENT LIST), to tell them apart. */
        public Builder<T> setClientName(String clientName) {
            this.clientName = clientName;
            return this;
        }

        public Builder<T> setEndpoint(RedisEndpoint endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        /**
         * Redis glob patterns; each is one split, read by one reader. Overlapping patterns would
         * deliver a message to several readers: use disjoint ones (see
         * {@link io.github.eegstream.wire.ChannelKind#shardedPatterns(int)}).
         */
        public Builder<T> setPatterns(List<String> patterns) {
            this.patterns = List.copyOf(patterns);
            return this;
        }

        public Builder<T> setDeserializer(MessageDeserializer<T> deserializer) {
            this.deserializer = deserializer;
            return this;
        }

        /** Messages a reader holds before it drops (and counts) new ones. */
        /** The most bytes a reader queues (default 64 MiB); beyond them messages are dropped and counted. */
        public Builder<T> setQueueBytes(long queueBytes) {
            this.queueBytes = queueBytes;
            return this;
        }

        /** The largest message accepted (default 1 MiB); larger ones are rejected before they are copied. */
        public Builder<T> setMaxMessageBytes(int maxMessageBytes) {
            this.maxMessageBytes = maxMessageBytes;
            return this;
        }

        public Builder<T> setQueueCapacity(int queueCapacity) {
            this.queueCapacity = queueCapacity;
            return this;
        }

        public RedisPubSubSource<T> build() {
            if (endpoint == null || deserializer == null || patterns.isEmpty()) {
                throw new IllegalStateException("a Redis pub/sub source needs an endpoint, patterns and a deserializer");
            }
            if (queueCapacity < 1) {
                throw new IllegalStateException("queue capacity must be at least 1");
            }
            return new RedisPubSubSource<>(endpoint, patterns, deserializer, queueCapacity, queueBytes, maxMessageBytes, clientName,
                deadLetterChannel);
        }
    }
}
