package io.github.eegstream.connector.redis.source.streams;

import io.github.eegstream.connector.redis.DeadLetterSerializer;
import io.github.eegstream.connector.redis.MessageDeserializer;
import io.github.eegstream.connector.redis.RedisClientFactory;
import java.time.Duration;
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
 * An unbounded source of the entries of every Redis Stream whose key matches a pattern, with each
 * stream's read position in Flink's checkpoints: restored from a checkpoint or savepoint, the job
 * reads every entry after it once. Each stream is one split; streams are found as they appear.
 *
 * <pre>{@code
 * RedisStreamSource<String> source = RedisStreamSource.<String>builder()
 *         .setEndpoint(RedisClientFactory.fromUrl("redis://127.0.0.1:6379"))
 *         .setKeyPattern("sensor:*:raw")
 *         .setDataField("data")
 *         .setDeserializer(new MyDeserializer())
 *         .build();
 * }</pre>
 */
public final class RedisStreamSource<T>
        implements Source<T, RedisStreamSplit, RedisStreamEnumeratorState>, ResultTypeQueryable<T> {

    private final RedisClientFactory endpoint;
    private final String keyPattern;
    private final MessageDeserializer<T> deserializer;
    private final Duration discoveryInterval;
    private final FetchLimits limits;
    private final String clientName;
    private final String deadLetterChannel;
    private final DeadLetterSerializer deadLetters;
    private final String dataField;
    private final String registryKey;
    private final Duration forgetAfter;

    private RedisStreamSource(Builder<T> b) {
        this.registryKey = b.registryKey;
        this.forgetAfter = b.forgetAfter;
        this.endpoint = b.endpoint;
        this.keyPattern = b.keyPattern;
        this.deserializer = b.deserializer;
        this.discoveryInterval = b.discoveryInterval;
        this.limits = new FetchLimits(b.readCount, b.fetchBytes, b.maxMessageBytes);
        this.clientName = b.clientName;
        this.deadLetterChannel = b.deadLetterChannel;
        this.deadLetters = b.deadLetters;
        this.dataField = b.dataField;
    }

    /** The field of a stream entry read by default. */
    public static final String DEFAULT_DATA_FIELD = "data";

    public static <T> Builder<T> builder() {
        return new Builder<>();
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SourceReader<T, RedisStreamSplit> createReader(SourceReaderContext context) {
        return RedisStreamSourceReader.create(context, endpoint, clientName, limits, dataField, deadLetterChannel, deadLetters,
                deserializer);
    }

    @Override
    public SplitEnumerator<RedisStreamSplit, RedisStreamEnumeratorState> createEnumerator(
            SplitEnumeratorContext<RedisStreamSplit> context) {
        return restoreEnumerator(context, new RedisStreamEnumeratorState(Set.of(), List.of()));
    }

    @Override
    public SplitEnumerator<RedisStreamSplit, RedisStreamEnumeratorState> restoreEnumerator(
            SplitEnumeratorContext<RedisStreamSplit> context, RedisStreamEnumeratorState state) {
        return new RedisStreamEnumerator(context, endpoint, keyPattern, registryKey, discoveryInterval, forgetAfter, state);
    }

    @Override
    public SimpleVersionedSerializer<RedisStreamSplit> getSplitSerializer() {
        return RedisStreamSplitSerializer.INSTANCE;
    }

    @Override
    public SimpleVersionedSerializer<RedisStreamEnumeratorState> getEnumeratorCheckpointSerializer() {
        return RedisStreamEnumeratorStateSerializer.INSTANCE;
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return deserializer.getProducedType();
    }

    /** Configures a {@link RedisStreamSource}; endpoint, key pattern and deserializer are required. */
    public static final class Builder<T> {
        private RedisClientFactory endpoint;
        private String keyPattern;
        private MessageDeserializer<T> deserializer;
        private Duration discoveryInterval = Duration.ofSeconds(1);
        private int readCount = 1000;
        private long fetchBytes = 16L << 20;
        private int maxMessageBytes = 1 << 20;
        private String clientName;
        private String deadLetterChannel;
        private DeadLetterSerializer deadLetters = DeadLetterSerializer.JSON;
        private String dataField = DEFAULT_DATA_FIELD;
        private String registryKey;
        private Duration forgetAfter = Duration.ofMinutes(2);

        private Builder() {}

        /**
         * A sorted set in which appenders register their streams (member: the stream's key; score:
         * when it was last appended to, epoch ms, refreshed about once a second). With it, new
         * streams are found there, not by a SCAN of the keyspace (one at start still finds
         * streams of appenders that do not register), and streams that no longer exist are
         * forgotten. Without it (the default) the keyspace is SCANned every discovery interval.
         */
        public Builder<T> setRegistryKey(String registryKey) {
            this.registryKey = registryKey;
            return this;
        }

        /**
         * With a registry: a stream whose member was not refreshed for this long is asked whether
         * it still exists (and forgotten if not); default 2 minutes. Fresher members are read at
         * every discovery.
         */
        public Builder<T> setForgetAfter(Duration forgetAfter) {
            this.forgetAfter = forgetAfter;
            return this;
        }

        /**
         * The entry field whose value is the message (default {@value #DEFAULT_DATA_FIELD}); other
         * fields are not read. An entry without it is rejected (its payload is empty).
         */
        public Builder<T> setDataField(String dataField) {
            this.dataField = dataField;
            return this;
        }

        /** How dead letters are encoded (default {@link DeadLetterSerializer#JSON}). */
        public Builder<T> setDeadLetterSerializer(DeadLetterSerializer deadLetters) {
            this.deadLetters = deadLetters;
            return this;
        }

        /** Where Redis is, and how clients are made: {@link RedisClientFactory#fromUrl}, or one's own. */
        public Builder<T> setEndpoint(RedisClientFactory endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        /** A Redis glob over stream keys, e.g. {@code user:*:raw}. */
        public Builder<T> setKeyPattern(String keyPattern) {
            this.keyPattern = keyPattern;
            return this;
        }

        public Builder<T> setDeserializer(MessageDeserializer<T> deserializer) {
            this.deserializer = deserializer;
            return this;
        }

        /** How often to look for new streams (a new user's first samples wait at most this long). */
        public Builder<T> setDiscoveryInterval(Duration discoveryInterval) {
            this.discoveryInterval = discoveryInterval;
            return this;
        }

        /** Entries read per XREAD, across all of a reader's streams (default 1000). */
        public Builder<T> setReadCount(int readCount) {
            this.readCount = readCount;
            return this;
        }

        /** Bytes of entries held per XREAD, across all of a reader's streams (default 16 MiB). */
        public Builder<T> setFetchBytes(long fetchBytes) {
            this.fetchBytes = fetchBytes;
            return this;
        }

        /** The largest entry accepted (default 1 MiB); larger ones are rejected before they are copied. */
        public Builder<T> setMaxMessageBytes(int maxMessageBytes) {
            this.maxMessageBytes = maxMessageBytes;
            return this;
        }

        /** The name the readers' Redis connections carry (CLIENT LIST). */
        public Builder<T> setClientName(String clientName) {
            this.clientName = clientName;
            return this;
        }

        /** Where a sample of rejected entries goes, with the reason; null for nowhere. */
        public Builder<T> setDeadLetterChannel(String deadLetterChannel) {
            this.deadLetterChannel = deadLetterChannel;
            return this;
        }

        public RedisStreamSource<T> build() {
            if (endpoint == null || deserializer == null || keyPattern == null || keyPattern.isBlank()) {
                throw new IllegalStateException("a Redis stream source needs an endpoint, a key pattern and a deserializer");
            }
            if (dataField == null || dataField.isEmpty() || deadLetters == null) {
                throw new IllegalStateException("a Redis stream source needs a data field and a dead-letter serializer");
            }
            if (forgetAfter == null || forgetAfter.isNegative() || forgetAfter.isZero()
                    || (registryKey != null && registryKey.isBlank())) {
                throw new IllegalStateException("forget-after must be positive, and a registry key, if set, not blank");
            }
            if (readCount < 1 || discoveryInterval.isNegative() || discoveryInterval.isZero()) {
                throw new IllegalStateException("read count and discovery interval must be positive");
            }
            if (maxMessageBytes < 1 || fetchBytes < maxMessageBytes) {
                throw new IllegalStateException("fetch bytes must be at least the largest entry's, and both positive");
            }
            return new RedisStreamSource<>(this);
        }
    }
}
