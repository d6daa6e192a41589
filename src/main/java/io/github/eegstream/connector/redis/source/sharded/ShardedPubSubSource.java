package io.github.eegstream.connector.redis.source.sharded;

import io.github.eegstream.connector.redis.DeadLetterSerializer;
import io.github.eegstream.connector.redis.MessageDeserializer;
import io.github.eegstream.connector.redis.RedisClientFactory;
import java.time.Duration;
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
 * An unbounded source of the messages SPUBLISHed on a family of channels ({@code prefix*suffix})
 * of a Redis Cluster. Sharded pub/sub has no patterns, so the channels are found in a registry, a
 * sorted set whose members are channel names scored by when each last sent (epoch ms), which the
 * publishers keep fresh ({@link ShardedPubSubEnumerator}); each channel is read by one reader, at
 * the master of its slot, and follows failovers and slot moves ({@link ShardedPubSubReader}).
 *
 * <p>A publisher should not send before its channel has a subscriber (PUBSUB SHARDNUMSUB), or its
 * first messages are lost: discovery takes about {@code discoveryInterval} plus a subscribe.
 *
 * <pre>{@code
 * ShardedPubSubSource<String> source = ShardedPubSubSource.<String>builder()
 *         .setEndpoint(RedisClientFactory.fromUrl("redis-cluster://127.0.0.1:7000,127.0.0.1:7001"))
 *         .setChannelFamily("sensor:*:raw")
 *         .setRegistryKey("sensors:registry")
 *         .setDeserializer(new MyDeserializer())
 *         .build();
 * }</pre>
 */
public final class ShardedPubSubSource<T>
        implements Source<T, ShardedChannelSplit, ShardedEnumeratorState>, ResultTypeQueryable<T> {

    private final RedisClientFactory endpoint;
    private final String prefix;
    private final String suffix;
    private final String registryKey;
    private final Duration discoveryInterval;
    private final Duration activeWindow;
    private final MessageDeserializer<T> deserializer;
    private final int queueCapacity;
    private final long queueBytes;
    private final int maxMessageBytes;
    private final String clientName;
    private final String deadLetterChannel;
    private final DeadLetterSerializer deadLetters;

    private ShardedPubSubSource(Builder<T> b) {
        this.endpoint = b.endpoint;
        int star = b.family.indexOf('*');
        this.prefix = b.family.substring(0, star);
        this.suffix = b.family.substring(star + 1);
        this.registryKey = b.registryKey;
        this.discoveryInterval = b.discoveryInterval;
        this.activeWindow = b.activeWindow;
        this.deserializer = b.deserializer;
        this.queueCapacity = b.queueCapacity;
        this.queueBytes = b.queueBytes;
        this.maxMessageBytes = b.maxMessageBytes;
        this.clientName = b.clientName;
        this.deadLetterChannel = b.deadLetterChannel;
        this.deadLetters = b.deadLetters;
    }

    public static <T> Builder<T> builder() {
        return new Builder<>();
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SourceReader<T, ShardedChannelSplit> createReader(SourceReaderContext context) {
        return new ShardedPubSubReader<>(context, endpoint, deserializer, queueCapacity, queueBytes, maxMessageBytes, clientName,
                deadLetterChannel, deadLetters);
    }

    @Override
    public SplitEnumerator<ShardedChannelSplit, ShardedEnumeratorState> createEnumerator(
            SplitEnumeratorContext<ShardedChannelSplit> context) {
        return restoreEnumerator(context, ShardedEnumeratorState.empty());
    }

    @Override
    public SplitEnumerator<ShardedChannelSplit, ShardedEnumeratorState> restoreEnumerator(
            SplitEnumeratorContext<ShardedChannelSplit> context, ShardedEnumeratorState state) {
        return new ShardedPubSubEnumerator(context, endpoint, registryKey, prefix, suffix, discoveryInterval, activeWindow, state);
    }

    @Override
    public SimpleVersionedSerializer<ShardedChannelSplit> getSplitSerializer() {
        return ShardedChannelSplitSerializer.INSTANCE;
    }

    @Override
    public SimpleVersionedSerializer<ShardedEnumeratorState> getEnumeratorCheckpointSerializer() {
        return ShardedEnumeratorStateSerializer.INSTANCE;
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return deserializer.getProducedType();
    }

    /** The marker channel that reader {@code index} SSUBSCRIBEs to once up, if the client name is set. */
    public static String readerMarker(String clientName, int index) {
        return ShardedPubSubReader.marker(clientName, index);
    }

    /** Configures a {@link ShardedPubSubSource}; endpoint (a cluster), family, registry and deserializer are required. */
    public static final class Builder<T> {
        private RedisClientFactory endpoint;
        private String family;
        private String registryKey;
        private Duration discoveryInterval = Duration.ofMillis(200);
        private Duration activeWindow = Duration.ofMinutes(2);
        private MessageDeserializer<T> deserializer;
        private int queueCapacity = 100_000;
        private long queueBytes = 64L << 20;
        private int maxMessageBytes = 1 << 20;
        private String clientName;
        private String deadLetterChannel;
        private DeadLetterSerializer deadLetters = DeadLetterSerializer.JSON;

        private Builder() {}

        /** A Redis Cluster ({@link RedisClientFactory#isCluster()}). */
        public Builder<T> setEndpoint(RedisClientFactory endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        /** The channels to read, {@code prefix*suffix} with one {@code *}, such as {@code user:*:raw}. */
        public Builder<T> setChannelFamily(String family) {
            this.family = family;
            return this;
        }

        /** The sorted set of channel names (scored by last send, epoch ms) the publishers keep. */
        public Builder<T> setRegistryKey(String registryKey) {
            this.registryKey = registryKey;
            return this;
        }

        /** How often the registry is read (default 200 ms). */
        public Builder<T> setDiscoveryInterval(Duration discoveryInterval) {
            this.discoveryInterval = discoveryInterval;
            return this;
        }

        /** A channel is dealt once it has sent within this (default 2 min). */
        public Builder<T> setActiveWindow(Duration activeWindow) {
            this.activeWindow = activeWindow;
            return this;
        }

        public Builder<T> setDeserializer(MessageDeserializer<T> deserializer) {
            this.deserializer = deserializer;
            return this;
        }

        public Builder<T> setQueueCapacity(int queueCapacity) {
            this.queueCapacity = queueCapacity;
            return this;
        }

        public Builder<T> setQueueBytes(long queueBytes) {
            this.queueBytes = queueBytes;
            return this;
        }

        public Builder<T> setMaxMessageBytes(int maxMessageBytes) {
            this.maxMessageBytes = maxMessageBytes;
            return this;
        }

        public Builder<T> setClientName(String clientName) {
            this.clientName = clientName;
            return this;
        }

        public Builder<T> setDeadLetterChannel(String deadLetterChannel) {
            this.deadLetterChannel = deadLetterChannel;
            return this;
        }

        public Builder<T> setDeadLetterSerializer(DeadLetterSerializer deadLetters) {
            this.deadLetters = deadLetters;
            return this;
        }

        public ShardedPubSubSource<T> build() {
            if (endpoint == null || deserializer == null || family == null || registryKey == null) {
                throw new IllegalStateException("a sharded pub/sub source needs an endpoint, a channel family, a registry key"
                        + " and a deserializer");
            }
            if (!endpoint.isCluster()) {
                throw new IllegalStateException("a sharded pub/sub source needs a Redis Cluster endpoint (redis-cluster://...),"
                        + " not " + endpoint.redacted());
            }
            if (family.indexOf('*') < 0 || family.indexOf('*') != family.lastIndexOf('*')) {
                throw new IllegalStateException("the channel family is prefix*suffix with one '*', was " + family);
            }
            if (queueCapacity < 1 || deadLetters == null) {
                throw new IllegalStateException("queue capacity must be at least 1, and a dead-letter serializer is required");
            }
            return new ShardedPubSubSource<>(this);
        }
    }
}
