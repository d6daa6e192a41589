package io.github.eegstream.connector.redis.source.pubsub;

import io.github.eegstream.connector.redis.DeadLetterSerializer;
import io.github.eegstream.connector.redis.MessageDeserializer;
import io.github.eegstream.connector.redis.RedisClientFactory;
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
 * An unbounded source of the messages published on a family of Redis channels
 * ({@code prefix*suffix}, such as {@code user:*:raw}), shared over its readers by load whatever
 * the channel names look like, each message read once (see {@link RedisPubSubEnumerator}).
 *
 * <pre>{@code
 * RedisPubSubSource<String> source = RedisPubSubSource.<String>builder()
 *         .setEndpoint(RedisClientFactory.fromUrl("redis://127.0.0.1:6379"))
 *         .setChannelFamily("sensor:*:raw")
 *         .setDeserializer(new MyDeserializer())
 *         .build();
 * env.fromSource(source, WatermarkStrategy.noWatermarks(), "sensors");
 * }</pre>
 */
public final class RedisPubSubSource<T>
        implements Source<T, RedisPubSubSplit, RedisPubSubEnumeratorState>, ResultTypeQueryable<T> {

    private final RedisClientFactory endpoint;
    private final ChannelClass family;
    private final MessageDeserializer<T> deserializer;
    private final int queueCapacity;
    private final long queueBytes;
    private final int maxMessageBytes;
    private final String clientName;
    private final String deadLetterChannel;
    private final DeadLetterSerializer deadLetters;

    private RedisPubSubSource(RedisClientFactory endpoint, ChannelClass family, MessageDeserializer<T> deserializer,
            int queueCapacity, long queueBytes, int maxMessageBytes, String clientName, String deadLetterChannel,
            DeadLetterSerializer deadLetters) {
        this.deadLetterChannel = deadLetterChannel;
        this.deadLetters = deadLetters;
        this.endpoint = endpoint;
        this.family = family;
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
                deadLetterChannel, deadLetters);
    }

    @Override
    public SplitEnumerator<RedisPubSubSplit, RedisPubSubEnumeratorState> createEnumerator(
            SplitEnumeratorContext<RedisPubSubSplit> context) {
        return new RedisPubSubEnumerator(context, family, maxClasses(context.currentParallelism()), RedisPubSubEnumeratorState.empty());
    }

    @Override
    public SplitEnumerator<RedisPubSubSplit, RedisPubSubEnumeratorState> restoreEnumerator(
            SplitEnumeratorContext<RedisPubSubSplit> context, RedisPubSubEnumeratorState state) {
        // The classes, their readers and the channels' rates come back; readers of another
        // parallelism get theirs dealt again (readers checkpoint nothing).
        return new RedisPubSubEnumerator(context, family, maxClasses(context.currentParallelism()), state);
    }

    /**
     * Redis matches every published message against every subscribed pattern: a few dozen per
     * reader keep that cheap and leave room to cut busy classes finer.
     */
    static int maxClasses(int readers) {
        return 48 + 12 * readers;
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
        private RedisClientFactory endpoint;
        private ChannelClass family;
        private MessageDeserializer<T> deserializer;
        private int queueCapacity = 100_000;
        private long queueBytes = 64L << 20;
        private int maxMessageBytes = 1 << 20;
        private String clientName;
        private String deadLetterChannel;
        private DeadLetterSerializer deadLetters = DeadLetterSerializer.JSON;

        private Builder() {}

        /** How dead letters are encoded (default {@link DeadLetterSerializer#JSON}). */
        public Builder<T> setDeadLetterSerializer(DeadLetterSerializer deadLetters) {
            this.deadLetters = deadLetters;
            return this;
        }

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

        /** Where Redis is, and how clients are made: {@link RedisClientFactory#fromUrl}, or one's own. */
        public Builder<T> setEndpoint(RedisClientFactory endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        /**
         * The channels to read, {@code prefix*suffix} with one {@code *} (such as
         * {@code user:*:raw}); the source divides them among its readers by itself.
         */
        public Builder<T> setChannelFamily(String pattern) {
            this.family = ChannelClass.rootOf(pattern);
            return this;
        }

        public Builder<T> setDeserializer(MessageDeserializer<T> deserializer) {
            this.deserializer = deserializer;
            return this;
        }

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

        /** Messages a reader holds before it drops (and counts) new ones. */
        public Builder<T> setQueueCapacity(int queueCapacity) {
            this.queueCapacity = queueCapacity;
            return this;
        }

        public RedisPubSubSource<T> build() {
            if (endpoint == null || deserializer == null || family == null) {
                throw new IllegalStateException("a Redis pub/sub source needs an endpoint, a channel family and a deserializer");
            }
            if (deadLetters == null) {
                throw new IllegalStateException("a dead-letter serializer is required (the default is JSON)");
            }
            if (queueCapacity < 1) {
                throw new IllegalStateException("queue capacity must be at least 1");
            }
            return new RedisPubSubSource<>(endpoint, family, deserializer, queueCapacity, queueBytes, maxMessageBytes, clientName,
                deadLetterChannel, deadLetters);
        }
    }
}
