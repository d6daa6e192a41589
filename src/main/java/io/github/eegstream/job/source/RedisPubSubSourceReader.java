package io.github.eegstream.job.source;

import io.github.eegstream.redis.RedisEndpoint;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import io.github.eegstream.wire.RejectReason;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SourceReaderMetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Subscribes to its splits' patterns and hands messages to the task thread through a queue
 * bounded in messages and in bytes. Lettuce's I/O thread only enqueues: it never blocks and never
 * decodes. A message over the size limit is not even copied out of Lettuce's buffer (only its
 * prefix, for the dead letter). When the queue is full (the job cannot keep up) a message is
 * dropped and counted in {@code droppedMessages}, rather than letting Redis's output buffer grow
 * until it disconnects the subscriber.
 */
public final class RedisPubSubSourceReader<T> implements SourceReader<T, RedisPubSubSplit> {

    private static final Logger LOG = LoggerFactory.getLogger(RedisPubSubSourceReader.class);
    private static final int MAX_RECORDS_PER_POLL = 2048;
    /** A channel may fill at most 1/CHANNEL_SHARES of the queue's bytes (or one largest message). */
    static final int CHANNEL_SHARES = 8;
    private static final CompletableFuture<Void> AVAILABLE = CompletableFuture.completedFuture(null);

    /** A queued message; {@code length} is its size on the wire (over the limit: only a prefix is kept). */
    private record Received(ByteBuffer channel, byte[] payload, int length, long receivedMillis, long cost) {}

    private final RedisEndpoint endpoint;
    private final MessageDeserializer<T> deserializer;
    private final SourceReaderMetricGroup metrics;
    private final ArrayBlockingQueue<Received> queue;
    private final AtomicLong queuedBytes = new AtomicLong();
    private final long maxQueuedBytes;
    /** Bytes queued per channel: no channel may take more than its share of the queue. */
    private final ConcurrentHashMap<ByteBuffer, Long> queuedByChannel = new ConcurrentHashMap<>();
    private final long maxQueuedBytesPerChannel;
    private final long minCost;
    private final int maxMessageBytes;
    private final Map<String, RedisPubSubSplit> splits = new java.util.concurrent.ConcurrentHashMap<>();
    private final Rejects rejects;
    private final Counter dropped;
    private final Counter droppedOverShare;
    private final Counter bytesIn;
    private final Counter recordsIn;
    private final Counter disconnects;
    private volatile long disconnectedAtNanos;
    private volatile long lastGapMillis;
    private volatile CompletableFuture<Void> available = new CompletableFuture<>();
    private volatile boolean closing;
    private RedisClient client;
    private StatefulRedisPubSubConnection<byte[], LimitedValueCodec.Payload> connection;

    private final String clientName;

    RedisPubSubSourceReader(SourceReaderContext context, RedisEndpoint endpoint, MessageDeserializer<T> deserializer,
            int queueCapacity, long maxQueuedBytes, int maxMessageBytes, String clientName, String deadLetterChannel) {
        this.clientName = clientName;
        this.endpoint = endpoint;
        this.deserializer = deserializer;
        this.metrics = context.metricGroup();
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.maxQueuedBytes = maxQueuedBytes;
        this.minCost = Math.max(1, maxQueuedBytes / queueCapacity);
        // A flood on one channel (huge messages, or far too many) fills its own share, not the queue:
        // other users' messages still find room.
        this.maxQueuedBytesPerChannel = Math.max(maxMessageBytes + 1024L, maxQueuedBytes / CHANNEL_SHARES);
        this.maxMessageBytes = maxMessageBytes;
        this.rejects = new Rejects(metrics, endpoint, clientName, deadLetterChannel);
        this.dropped = metrics.counter("droppedMessages");
        this.droppedOverShare = metrics.counter("droppedOverChannelShare");
        this.bytesIn = metrics.getIOMetricGroup().getNumBytesInCounter();
        this.recordsIn = metrics.getIOMetricGroup().getNumRecordsInCounter();
        this.disconnects = metrics.counter("disconnects");
        metrics.gauge("queuedMessages", queue::size);
        metrics.gauge("queuedBytes", queuedBytes::get);
        metrics.gauge("lastGapMillis", () -> lastGapMillis);
    }

    @Override
    public void start() {
        connect();
    }

    /**
     * Connects once. Flink hands a restored reader its splits before it calls {@link #start()},
     * so {@link #addSplits} connects too if it comes first.
     */
    private synchronized void connect() {
        if (connection != null) {
            return;
        }
        client = endpoint.createClient(clientName);
        // Lettuce reconnects and re-subscribes by itself; what was published meanwhile is gone, so
        // the gap is counted and logged (pub/sub cannot replay it: durable mode can).
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                if (!closing) {
                    disconnects.inc();
                    disconnectedAtNanos = System.nanoTime();
                    LOG.warn("Lost the Redis connection at {}; reconnecting (messages published meanwhile are lost)", endpoint);
                }
            }

            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                long since = disconnectedAtNanos;
                if (since != 0) {
                    disconnectedAtNanos = 0;
                    lastGapMillis = (System.nanoTime() - since) / 1_000_000;
                    LOG.warn("Reconnected to {} after {} ms; re-subscribing to {}", endpoint, lastGapMillis, splits.keySet());
                }
            }
        });
        StatefulRedisPubSubConnection<byte[], LimitedValueCodec.Payload> c =
                client.connectPubSub(LimitedValueCodec.unbudgeted(maxMessageBytes));
        c.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] pattern, byte[] channel, LimitedValueCodec.Payload message) {
                enqueue(channel, message);
            }

            @Override
            public void message(byte[] channel, LimitedValueCodec.Payload message) {
                enqueue(channel, message);
            }
        });
        connection = c;
    }

    /** On Lettuce's I/O thread: enqueue or drop, and wake the task thread. */
    private void enqueue(byte[] channel, LimitedValueCodec.Payload message) {
        // Every message costs at least an even share of the queue, so that many tiny messages on one
        // channel fill its share as surely as a few large ones.
        long cost = Math.max(96L + channel.length + message.bytes().length, minCost);
        Received r = new Received(ByteBuffer.wrap(channel), message.bytes(), message.length(),
                System.currentTimeMillis(), cost);
        if (queuedByChannel.merge(r.channel(), cost, Long::sum) > maxQueuedBytesPerChannel) {
            release(r.channel(), cost);
            droppedOverShare.inc();
            return;
        }
        if (queuedBytes.addAndGet(cost) > maxQueuedBytes) {
            queuedBytes.addAndGet(-cost);
            release(r.channel(), cost);
            dropped.inc();
            return;
        }
        if (queue.offer(r)) {
            available.complete(null);
        } else {
            queuedBytes.addAndGet(-cost);
            release(r.channel(), cost);
            dropped.inc();
        }
    }

    /** Gives a channel's bytes back; a channel with none queued is forgotten, so the map stays small. */
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
                rejects.reject(channel, r.payload(), RejectReason.TOO_LARGE.metricName(), new IllegalArgumentException(
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
        if (!queue.isEmpty()) { // a message may have arrived before the new future was published
            future.complete(null);
        }
        return future;
    }

    @Override
    public void addSplits(List<RedisPubSubSplit> newSplits) {
        connect();
        for (RedisPubSubSplit split : newSplits) {
            if (splits.putIfAbsent(split.splitId(), split) == null) {
                try {
                    connection.sync().psubscribe(split.pattern().getBytes(StandardCharsets.UTF_8));
                    if (clientName != null) { // tells the launcher this pattern is subscribed (no CLIENT LIST needed)
                        connection.sync().subscribe(io.github.eegstream.redis.SubscriptionMarker.channel(clientName,
                                split.pattern()).getBytes(StandardCharsets.UTF_8));
                    }
                } catch (io.lettuce.core.RedisCommandExecutionException e) {
                    throw new IllegalStateException("Redis refused PSUBSCRIBE " + split.pattern() + " at " + endpoint
                            + ": " + e.getMessage() + ". Redis allows a pattern only if the user's rules name it exactly:"
                            + " give the job's Redis user the rules of bin/eeg acl --role job --spec <its spec>"
                            + " --parallelism <its parallelism>", e);
                }
                LOG.info("Subscribed to {} at {}", split.pattern(), endpoint);
            }
        }
    }

    @Override
    public void notifyNoMoreSplits() {}

    @Override
    public List<RedisPubSubSplit> snapshotState(long checkpointId) {
        // Nothing to resume from (pub/sub keeps no history): after a restore, the enumerator
        // assigns the patterns of the restored job's own parallelism.
        return List.of();
    }

    @Override
    public void close() {
        closing = true;
        rejects.close();
        if (connection != null) {
            connection.close();
        }
        if (client != null) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
