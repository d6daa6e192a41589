package io.github.eegstream.connector.redis.source.sharded;

import io.github.eegstream.connector.redis.DeadLetterSerializer;
import io.github.eegstream.connector.redis.LimitedValueCodec;
import io.github.eegstream.connector.redis.MessageDeserializer;
import io.github.eegstream.connector.redis.RedisClientFactory;
import io.github.eegstream.connector.redis.RedisConnectorMetrics;
import io.github.eegstream.connector.redis.ReaderQueue;
import io.github.eegstream.connector.redis.Rejects;
import io.github.eegstream.connector.redis.ShardedSubscriber;
import io.github.eegstream.connector.redis.SubscriptionMarker;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SourceReaderMetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SSUBSCRIBEs to the channels its enumerator deals it, each at the master of its slot, through a
 * {@link ShardedSubscriber} that follows the cluster's topology (a failed master's channels are
 * subscribed again at the promoted replica; each gap is counted in {@code disconnects} and
 * {@code lastGapMillis}). Messages reach the task thread through a queue bounded in messages and
 * bytes, with no channel taking more than an eighth of it, as in the pattern source's reader:
 * Lettuce's I/O thread only enqueues, and a full queue drops and counts.
 */
final class ShardedPubSubReader<T> implements SourceReader<T, ShardedChannelSplit> {

    private static final Logger LOG = LoggerFactory.getLogger(ShardedPubSubReader.class);
    private static final int MAX_RECORDS_PER_POLL = 2048;

    private final SourceReaderContext context;
    private final RedisClientFactory endpoint;
    private final int maxMessageBytes;
    private final String clientName;
    private final ReaderQueue<T> queue;
    private final Set<String> channels = ConcurrentHashMap.newKeySet();
    private final Rejects rejects;
    private final Counter gaps;
    private volatile long lastGapMillis;
    private ShardedSubscriber<LimitedValueCodec.Payload> subscriber;

    ShardedPubSubReader(SourceReaderContext context, RedisClientFactory endpoint, MessageDeserializer<T> deserializer,
            int queueCapacity, long maxQueuedBytes, int maxMessageBytes, String clientName, String deadLetterChannel,
            DeadLetterSerializer deadLetters) {
        this.context = context;
        this.endpoint = endpoint;
        this.maxMessageBytes = maxMessageBytes;
        this.clientName = clientName;
        SourceReaderMetricGroup metrics = context.metricGroup();
        this.rejects = new Rejects(metrics, endpoint, clientName, deadLetterChannel, deadLetters);
        this.queue = new ReaderQueue<>(metrics, deserializer, rejects, queueCapacity, maxQueuedBytes, maxMessageBytes);
        this.gaps = metrics.counter(RedisConnectorMetrics.DISCONNECTS);
        metrics.gauge(RedisConnectorMetrics.LAST_GAP_MILLIS, () -> lastGapMillis);
        metrics.gauge(RedisConnectorMetrics.ACTIVE_CHANNELS, channels::size);
    }

    @Override
    public void start() {
        subscriber = new ShardedSubscriber<>(endpoint, null, clientName, LimitedValueCodec.unbudgeted(maxMessageBytes),
                new ShardedSubscriber.Listener<>() {
                    @Override
                    public void message(byte[] channel, LimitedValueCodec.Payload message) {
                        queue.offer(channel, message);
                    }

                    @Override
                    public void resubscribed(String node, int count, long gapMillis) {
                        gaps.inc();
                        lastGapMillis = gapMillis;
                        LOG.warn("{} channel(s) of Redis node {} subscribed again after a gap of {} ms (their messages"
                                + " meanwhile are lost)", count, node, gapMillis);
                    }
                });
        if (clientName != null) {
            // Tells whoever started the job that this reader is up (PUBSUB SHARDNUMSUB at the marker's master).
            subscriber.subscribe(List.of(marker(clientName, context.getIndexOfSubtask())));
        }
        subscriber.subscribe(List.copyOf(channels)); // any added before start
    }

    /** The marker channel reader {@code index} of connections named {@code clientName} subscribes to. */
    static String marker(String clientName, int index) {
        return SubscriptionMarker.channel(clientName, "reader-" + index);
    }

    @Override
    public InputStatus pollNext(ReaderOutput<T> output) {
        return queue.emit(output, MAX_RECORDS_PER_POLL);
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        return queue.available(() -> false);
    }

    @Override
    public void addSplits(List<ShardedChannelSplit> splits) {
        List<String> added = new ArrayList<>();
        for (ShardedChannelSplit s : splits) {
            if (channels.add(s.channel())) {
                added.add(s.channel());
            }
        }
        if (subscriber != null) { // Flink adds restored splits before start(), which subscribes to them
            subscriber.subscribe(added);
        }
    }

    @Override
    public void handleSourceEvents(org.apache.flink.api.connector.source.SourceEvent event) {
        if (event instanceof ReleaseChannels r) {
            List<String> released = new ArrayList<>();
            for (String c : r.channels()) {
                if (channels.remove(c)) {
                    released.add(c);
                }
            }
            if (subscriber != null) {
                subscriber.unsubscribe(released);
            }
        }
    }

    @Override
    public void notifyNoMoreSplits() {}

    /**
     * Nothing: the enumerator's checkpoint says which reader holds which channel, and it deals a
     * reader its channels again whenever the reader registers (after a restore, a failover of this
     * reader alone, or a rescale), so the two can never disagree.
     */
    @Override
    public List<ShardedChannelSplit> snapshotState(long checkpointId) {
        return List.of();
    }

    @Override
    public void close() {
        rejects.close();
        if (subscriber != null) {
            subscriber.close();
        }
    }
}
