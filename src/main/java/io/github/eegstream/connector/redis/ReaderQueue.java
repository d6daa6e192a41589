package io.github.eegstream.connector.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SourceReaderMetricGroup;

/**
 * What a pub/sub reader (by pattern or sharded) holds between Lettuce's I/O thread and the task
 * thread: at most {@code capacity} messages and {@code maxBytes} bytes, a channel at most
 * 1/{@value #CHANNEL_SHARES} of those bytes (or one largest message), and every message charged at
 * least an even share, so that many tiny messages fill a channel's share as surely as a few large
 * ones. What does not fit is dropped and counted ({@code droppedMessages},
 * {@code droppedOverChannelShare}). The task thread decodes what it takes, rejecting what it cannot.
 */
public final class ReaderQueue<T> {

    /** A channel may fill at most 1/CHANNEL_SHARES of the queue's bytes (or one largest message). */
    public static final int CHANNEL_SHARES = 8;
    private static final CompletableFuture<Void> AVAILABLE = CompletableFuture.completedFuture(null);

    /** What became of an offered message. */
    public enum Offer {
        QUEUED,
        /** The queue is full: this reader's load is more than it can take. */
        DROPPED_FULL,
        /** Its channel already holds its share: one user's flood, not load. */
        DROPPED_OVER_SHARE
    }

    /** A queued message; {@code length} is its size on the wire (over the limit: only a prefix is kept). */
    private record Received(ByteBuffer channel, byte[] payload, int length, long receivedMillis, long cost) {}

    private final ArrayBlockingQueue<Received> queue;
    private final AtomicLong queuedBytes = new AtomicLong();
    private final long maxBytes;
    /** Bytes queued per channel: no channel may take more than its share of the queue. */
    private final ConcurrentHashMap<ByteBuffer, Long> queuedByChannel = new ConcurrentHashMap<>();
    private final long maxBytesPerChannel;
    private final long minCost;
    private final int maxMessageBytes;
    private final MessageDeserializer<T> deserializer;
    private final Rejects rejects;
    private final Counter dropped;
    private final Counter droppedOverShare;
    private final Counter bytesIn;
    private final Counter recordsIn;
    private volatile CompletableFuture<Void> available = new CompletableFuture<>();

    public ReaderQueue(SourceReaderMetricGroup metrics, MessageDeserializer<T> deserializer, Rejects rejects, int capacity,
            long maxBytes, int maxMessageBytes) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.maxBytes = maxBytes;
        this.minCost = Math.max(1, maxBytes / capacity);
        // A flood on one channel (huge messages, or far too many) fills its own share, not the queue:
        // other users' messages still find room.
        this.maxBytesPerChannel = Math.max(maxMessageBytes + 1024L, maxBytes / CHANNEL_SHARES);
        this.maxMessageBytes = maxMessageBytes;
        this.deserializer = deserializer;
        this.rejects = rejects;
        this.dropped = metrics.counter(RedisConnectorMetrics.DROPPED_MESSAGES);
        this.droppedOverShare = metrics.counter(RedisConnectorMetrics.DROPPED_OVER_CHANNEL_SHARE);
        this.bytesIn = metrics.getIOMetricGroup().getNumBytesInCounter();
        this.recordsIn = metrics.getIOMetricGroup().getNumRecordsInCounter();
        metrics.gauge(RedisConnectorMetrics.QUEUED_MESSAGES, queue::size);
        metrics.gauge(RedisConnectorMetrics.QUEUED_BYTES, queuedBytes::get);
    }

    /** On Lettuce's I/O thread: queues the message (received now) or drops it, and wakes the task thread. */
    public Offer offer(byte[] channel, LimitedValueCodec.Payload message) {
        long cost = Math.max(96L + channel.length + message.bytes().length, minCost);
        Received r = new Received(ByteBuffer.wrap(channel), message.bytes(), message.length(), System.currentTimeMillis(), cost);
        if (queuedByChannel.merge(r.channel(), cost, Long::sum) > maxBytesPerChannel) {
            release(r.channel(), cost);
            droppedOverShare.inc();
            return Offer.DROPPED_OVER_SHARE;
        }
        if (queuedBytes.addAndGet(cost) > maxBytes || !queue.offer(r)) {
            queuedBytes.addAndGet(-cost);
            release(r.channel(), cost);
            dropped.inc();
            return Offer.DROPPED_FULL;
        }
        wake();
        return Offer.QUEUED;
    }

    /** Gives a channel's bytes back; a channel with none queued is forgotten, so the map stays small. */
    private void release(ByteBuffer channel, long cost) {
        queuedByChannel.computeIfPresent(channel, (c, bytes) -> bytes - cost <= 0 ? null : bytes - cost);
    }

    /** On the task thread: decodes and emits up to {@code max} messages, rejecting what it cannot decode. */
    public InputStatus emit(ReaderOutput<T> output, int max) {
        for (int n = 0; n < max; n++) {
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

    /** Wakes the task thread (a message came, or something else the reader has to do). */
    public void wake() {
        available.complete(null);
    }

    /**
     * The reader's {@code isAvailable()}: done when a message is queued, or {@code alsoReady} holds
     * (other work of the reader's), else when {@link #wake} is next called.
     */
    public CompletableFuture<Void> available(BooleanSupplier alsoReady) {
        if (!queue.isEmpty() || alsoReady.getAsBoolean()) {
            return AVAILABLE;
        }
        CompletableFuture<Void> future = available;
        if (future.isDone()) {
            future = new CompletableFuture<>();
            available = future;
        }
        if (!queue.isEmpty() || alsoReady.getAsBoolean()) { // one may have come before the new future was published
            future.complete(null);
        }
        return future;
    }
}
