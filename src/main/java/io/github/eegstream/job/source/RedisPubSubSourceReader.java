package io.github.eegstream.job.source;

import io.github.eegstream.redis.RedisEndpoint;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SourceReaderMetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Subscribes to its splits' patterns and hands messages to the task thread through a bounded
 * queue. Lettuce's I/O thread only enqueues: it never blocks and never decodes. When the queue is
 * full (the job cannot keep up) a message is dropped and counted in {@code droppedMessages},
 * rather than letting Redis's output buffer grow until it disconnects the subscriber.
 */
public final class RedisPubSubSourceReader<T> implements SourceReader<T, RedisPubSubSplit> {

    private static final Logger LOG = LoggerFactory.getLogger(RedisPubSubSourceReader.class);
    private static final int MAX_RECORDS_PER_POLL = 2048;
    private static final CompletableFuture<Void> AVAILABLE = CompletableFuture.completedFuture(null);

    private record Received(byte[] channel, byte[] payload) {}

    private final RedisEndpoint endpoint;
    private final MessageDeserializer<T> deserializer;
    private final SourceReaderMetricGroup metrics;
    private final ArrayBlockingQueue<Received> queue;
    private final Map<String, RedisPubSubSplit> splits = new java.util.concurrent.ConcurrentHashMap<>();
    private final Rejects rejects;
    private final Counter dropped;
    private final Counter bytesIn;
    private final Counter recordsIn;
    private final Counter disconnects;
    private volatile long disconnectedAtNanos;
    private volatile long lastGapMillis;
    private volatile CompletableFuture<Void> available = new CompletableFuture<>();
    private volatile boolean closing;
    private RedisClient client;
    private StatefulRedisPubSubConnection<byte[], byte[]> connection;

    private final String clientName;

    RedisPubSubSourceReader(SourceReaderContext context, RedisEndpoint endpoint, MessageDeserializer<T> deserializer,
            int queueCapacity, String clientName, String deadLetterChannel) {
        this.clientName = clientName;
        this.endpoint = endpoint;
        this.deserializer = deserializer;
        this.metrics = context.metricGroup();
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.rejects = new Rejects(metrics, endpoint, clientName, deadLetterChannel);
        this.dropped = metrics.counter("droppedMessages");
        this.bytesIn = metrics.getIOMetricGroup().getNumBytesInCounter();
        this.recordsIn = metrics.getIOMetricGroup().getNumRecordsInCounter();
        this.disconnects = metrics.counter("disconnects");
        metrics.gauge("queuedMessages", queue::size);
        metrics.gauge("lastGapMillis", () -> lastGapMillis);
    }

    @Override
    public void start() {
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
        connection = client.connectPubSub(ByteArrayCodec.INSTANCE);
        connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] pattern, byte[] channel, byte[] message) {
                enqueue(channel, message);
            }

            @Override
            public void message(byte[] channel, byte[] message) {
                enqueue(channel, message);
            }
        });
    }

    /** On Lettuce's I/O thread: enqueue or drop, and wake the task thread. */
    private void enqueue(byte[] channel, byte[] message) {
        if (queue.offer(new Received(channel, message))) {
            available.complete(null);
        } else {
            dropped.inc();
        }
    }

    @Override
    public InputStatus pollNext(ReaderOutput<T> output) {
        for (int n = 0; n < MAX_RECORDS_PER_POLL; n++) {
            Received r = queue.poll();
            if (r == null) {
                return InputStatus.NOTHING_AVAILABLE;
            }
            recordsIn.inc();
            bytesIn.inc(r.payload().length);
            String channel = new String(r.channel(), StandardCharsets.UTF_8);
            T record;
            try {
                record = deserializer.deserialize(channel, r.payload());
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
        return new ArrayList<>(splits.values());
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
