package io.github.eegstream.connector.redis.source.sharded;

import io.github.eegstream.connector.redis.DeadLetterSerializer;
import io.github.eegstream.connector.redis.LimitedValueCodec;
import io.github.eegstream.connector.redis.MessageDeserializer;
import io.github.eegstream.connector.redis.RedisClientFactory;
import io.github.eegstream.connector.redis.RedisConnectorMetrics;
import io.github.eegstream.connector.redis.RejectReasons;
import io.github.eegstream.connector.redis.Rejects;
import io.github.eegstream.connector.redis.ShardedSubscriber;
import io.github.eegstream.connector.redis.SubscriptionMarker;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
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
    private static final int CHANNEL_SHARES = 8;
    private static final CompletableFuture<Void> AVAILABLE = CompletableFuture.completedFuture(null);

    private record Received(ByteBuffer channel, byte[] payload, int length, long receivedMillis, long cost) {}

    private final SourceReaderContext context;
    private final RedisClientFactory endpoint;
    private final MessageDeserializer<T> deserializer;
    private final int maxMessageBytes;
    private final String clientName;
    private final ArrayBlockingQueue<Received> queue;
    private final AtomicLong queuedBytes = new AtomicLong();
    private final long maxQueuedBytes;
    private final long maxQueuedBytesPerChannel;
    private final long minCost;
    private final ConcurrentHashMap<ByteBuffer, Long> queuedByChannel = new ConcurrentHashMap<>();
    private final Set<String> channels = ConcurrentHashMap.newKeySet();
    private final Rejects rejects;
    private final Counter dropped;
    private final Counter droppedOverShare;
    private final Counter bytesIn;
    private final Counter recordsIn;
    private final Counter gaps;
    private volatile long lastGapMillis;
    private volatile CompletableFuture<Void> available = new CompletableFuture<>();
    private ShardedSubscriber<LimitedValueCodec.Payload> subscriber;

    ShardedPubSubReader(SourceReaderContext context, RedisClientFactory endpoint, MessageDeserializer<T> deserializer,
            int queueCapacity, long maxQueuedBytes, int maxMessageBytes, String clientName, String deadLetterChannel,
            DeadLetterSerializer deadLetters) {
        this.context = context;
        this.endpoint = endpoint;
        this.deserializer = deserializer;
        this.maxMessageBytes = maxMessageBytes;
        this.clientName = clientName;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.maxQueuedBytes = maxQueuedBytes;
        this.minCost = Math.max(1, maxQueuedBytes / queueCapacity);
        this.maxQueuedBytesPerChannel = Math.max(maxMessageBytes + 1024L, maxQueuedBytes / CHANNEL_SHARES);
        SourceReaderMetricGroup metrics = context.metricGroup();
        this.rejects = new Rejects(metrics, endpoint, clientName, deadLetterChannel, deadLetters);
        this.dropped = metrics.counter(RedisConnectorMetrics.DROPPED_MESSAGES);
        this.droppedOverShare = metrics.counter(RedisConnectorMetrics.DROPPED_OVER_CHANNEL_SHARE);
        this.bytesIn = metrics.getIOMetricGroup().getNumBytesInCounter();
        this.recordsIn = metrics.getIOMetricGroup().getNumRecordsInCounter();
        this.gaps = metrics.counter(RedisConnectorMetrics.DISCONNECTS);
        metrics.gauge(RedisConnectorMetrics.QUEUED_MESSAGES, queue::size);
        metrics.gauge(RedisConnectorMetrics.QUEUED_BYTES, queuedBytes::get);
        metrics.gauge(RedisConnectorMetrics.LAST_GAP_MILLIS, () -> lastGapMillis);
        metrics.gauge(RedisConnectorMetrics.ACTIVE_CHANNELS, channels::size);
    }

    @Override
    public void start() {
        subscriber = new ShardedSubscriber<>(endpoint, null, clientName, LimitedValueCodec.unbudgeted(maxMessageBytes),
                new ShardedSubscriber.Listener<>() {
                    @Override
                    public void message(byte[] channel, LimitedValueCodec.Payload message) {
                        enqueue(channel, message);
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

    private void enqueue(byte[] channel, LimitedValueCodec.Payload message) {
        long cost = Math.max(96L + channel.length + message.bytes().length, minCost);
        Received r = new Received(ByteBuffer.wrap(channel), message.bytes(), message.length(), System.currentTimeMillis(), cost);
        if (queuedByChannel.merge(r.channel(), cost, Long::sum) > maxQueuedBytesPerChannel) {
            release(r.channel(), cost);
            droppedOverShare.inc();
            return;
        }
        if (queuedBytes.addAndGet(cost) > maxQueuedBytes || !queue.offer(r)) {
            queuedBytes.addAndGet(-cost);
            release(r.channel(), cost);
            dropped.inc();
            return;
        }
        available.complete(null);
    }

    private void release(ByteBuffer channel, long cost) {
        queuedByChannel.computeIfPresent(channel, (c, bytes) -> bytes - cost <= 0 ? null : bytes - cost);
    }

    @Override
    public InputStatus pollNext(ReaderOutput<T> output) {
        for (int n = 0; n < MAX_RECORDS_PER_POLL; n++) {
            Received r = queue.poll();
            if (r == null) {
                return InputStatus.NOTHING_AVAILABLE;
            }
            queuedBytes.addAndGet(-r.cost());
            release(r.channel(), r.cost());
            recordsIn.inc();
            bytesIn.inc(r.length());
            String channel = new String(r.channel().array(), StandardCharsets.UTF_8);
            if (r.length() > maxMessageBytes) {
                rejects.reject(channel, r.payload(), RejectReasons.TOO_LARGE, new IllegalArgumentException(
                        "message of " + r.length() + " bytes is larger than the limit of " + maxMessageBytes));
                continue;
            }
            T record;
            try {
                record = deserializer.deserialize(channel, r.payload(), r.receivedMillis());
            } catch (Exception e) {
                rejects.reject(channel, r.payload(), deserializer.rejectReason(e), e);
                continue;
            }
            output.collect(record);
        }
        return queue.isEmpty() ? InputStatus.NOTHING_AVAILABLE : InputStatus.MORE_AVAILABLE;
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        if (!queue.isEmpty()) {
            return AVAILABLE;
        }
        CompletableFuture<Void> future = available;
        if (future.isDone()) {
            future = new CompletableFuture<>();
            available = future;
        }
        if (!queue.isEmpty()) {
            future.complete(null);
        }
        return future;
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
