package io.github.eegstream.connector.redis.source.pubsub;

import io.github.eegstream.connector.redis.DeadLetterSerializer;
import io.github.eegstream.connector.redis.LimitedValueCodec;
import io.github.eegstream.connector.redis.MessageDeserializer;
import io.github.eegstream.connector.redis.RedisClientFactory;
import io.github.eegstream.connector.redis.RedisConnectorMetrics;
import io.github.eegstream.connector.redis.ReaderQueue;
import io.github.eegstream.connector.redis.Rejects;
import io.github.eegstream.connector.redis.SubscriptionMarker;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import org.apache.flink.api.connector.source.SourceEvent;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 * Subscribes to the patterns of the channel classes its enumerator gives it, takes part in
 * handing classes over to other readers (see {@link RedisPubSubEnumerator}: the marker on the
 * handover channel is where one reader stops and the next begins), reports each channel's
 * messages, and hands messages to the task thread through a queue
 * bounded in messages and in bytes. Lettuce's I/O thread only enqueues: it never blocks and never
 * decodes. A message over the size limit is not even copied out of Lettuce's buffer (only its
 * prefix, for the dead letter). When the queue is full (the job cannot keep up) a message is
 * dropped and counted in {@code droppedMessages}, rather than letting Redis's output buffer grow
 * until it disconnects the subscriber.
 */
public final class RedisPubSubSourceReader<T> implements SourceReader<T, RedisPubSubSplit> {

    private static final Logger LOG = LoggerFactory.getLogger(RedisPubSubSourceReader.class);
    private static final int MAX_RECORDS_PER_POLL = 2048;

    private final RedisClientFactory endpoint;
    private final SourceReaderMetricGroup metrics;
    private final ReaderQueue<T> queue;
    private final int maxMessageBytes;
    /**
     * The patterns subscribed, by the pattern's bytes (as each message names it: looked up
     * without decoding): what becomes of their messages.
     */
    private final Map<ByteBuffer, PatternState> patterns = new ConcurrentHashMap<>();
    private final SourceReaderContext context;
    private final byte[] handoverChannel;
    /** Events for the enumerator from Lettuce's thread, sent by the task thread. */
    private final java.util.concurrent.ConcurrentLinkedQueue<HandoverEvent> outbox = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Messages per channel since the last report (Lettuce's thread counts, the task thread reports). */
    private Map<ByteBuffer, long[]> counts = new java.util.HashMap<>();
    private final Object countsLock = new Object();
    private long lastReportNanos = System.nanoTime();
    private volatile int activeChannels;
    private volatile double messagesPerSecond;
    private final Counter handoverSkipped;
    private StatefulRedisConnection<String, String> control;
    private final Rejects rejects;
    private final Counter disconnects;
    private volatile long disconnectedAtNanos;
    private volatile long lastGapMillis;
    private volatile boolean closing;
    private RedisClient client;
    private volatile StatefulRedisPubSubConnection<byte[], LimitedValueCodec.Payload> connection;

    private final String clientName;

    RedisPubSubSourceReader(SourceReaderContext context, RedisClientFactory endpoint, MessageDeserializer<T> deserializer,
            int queueCapacity, long maxQueuedBytes, int maxMessageBytes, String clientName, String deadLetterChannel,
            DeadLetterSerializer deadLetters) {
        this.clientName = clientName;
        this.context = context;
        this.handoverChannel = handoverChannel(clientName).getBytes(StandardCharsets.UTF_8);
        this.endpoint = endpoint;
        this.metrics = context.metricGroup();
        this.rejects = new Rejects(metrics, endpoint, clientName, deadLetterChannel, deadLetters);
        this.queue = new ReaderQueue<>(metrics, deserializer, rejects, queueCapacity, maxQueuedBytes, maxMessageBytes);
        this.maxMessageBytes = maxMessageBytes;
        this.disconnects = metrics.counter(RedisConnectorMetrics.DISCONNECTS);
        metrics.gauge(RedisConnectorMetrics.LAST_GAP_MILLIS, () -> lastGapMillis);
        this.handoverSkipped = metrics.counter(RedisConnectorMetrics.HANDOVER_SKIPPED);
        metrics.gauge(RedisConnectorMetrics.ASSIGNED_PATTERNS, patterns::size);
        metrics.gauge(RedisConnectorMetrics.ACTIVE_CHANNELS, () -> activeChannels);
        metrics.gauge(RedisConnectorMetrics.MESSAGES_PER_SECOND, () -> messagesPerSecond);
    }

    /** Channels counted per report; beyond them (garbage names, say) messages are not counted. */
    static final int MAX_COUNTED_CHANNELS = 50_000;
    /** Channels reported (the busiest): at most about 1 MB per event. */
    static final int MAX_REPORTED_CHANNELS = 5_000;

    /** Where the readers of a source publish and read their handover markers. */
    static String handoverChannel(String clientName) {
        return "eegstream:handover:" + (clientName == null ? "source" : clientName);
    }

    /**
     * What becomes of a subscribed pattern's messages. No clock decides: only the marker, in
     * order with the messages, or the enumerator once this connection has had a gap (the marker
     * may have been lost with the messages of the gap).
     */
    private static final class PatternState {
        final String pattern;
        /** The handover this pattern was subscribed for (0: assigned outright). */
        final long token;
        /** True until the marker of {@code token} comes: messages are dropped (its previous reader reads them). */
        volatile boolean waiting;
        /** The connection was lost while waiting: the marker may never come. */
        volatile boolean gap;
        /** Non-zero: being handed over; messages read until this marker comes. */
        volatile long releaseAt;

        PatternState(String pattern, long token) {
            this.pattern = pattern;
            this.token = token;
            this.waiting = token != 0;
        }
    }

    @Override
    public void start() {
        connect();
    }

    /** Connects once (from {@link #start()}, or from the first event if that comes first). */
    private synchronized void connect() {
        if (connection != null) {
            return;
        }
        client = endpoint.createClient(clientName);
        // Lettuce reconnects and re-subscribes by itself; what was published meanwhile is gone, so
        // the gap is counted and logged (pub/sub cannot replay it: durable mode can).
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
                if (handler != connection) {
                    return; // the marker-publishing connection: nothing subscribed there
                }
                // The marker of a handover in flight may be lost with this gap's messages: a
                // pattern being let go stops now (this can lose, never repeat), and one waiting
                // starts when the enumerator says its previous reader has stopped.
                for (Map.Entry<ByteBuffer, PatternState> e : patterns.entrySet()) {
                    if (e.getValue().releaseAt != 0) {
                        release(e.getValue().pattern, e.getValue().releaseAt);
                    }
                    if (e.getValue().waiting) {
                        e.getValue().gap = true;
                    }
                }
                if (!closing) {
                    disconnects.inc();
                    disconnectedAtNanos = System.nanoTime();
                    LOG.warn("Lost the Redis connection at {}; reconnecting (messages published meanwhile are lost)", endpoint.redacted());
                }
            }

            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
                if (handler != connection) {
                    return;
                }
                long since = disconnectedAtNanos;
                if (since != 0) {
                    disconnectedAtNanos = 0;
                    lastGapMillis = (System.nanoTime() - since) / 1_000_000;
                    LOG.warn("Reconnected to {} after {} ms; re-subscribing to {}", endpoint.redacted(), lastGapMillis,
                            patterns.values().stream().map(p -> p.pattern).toList());
                }
            }
        });
        StatefulRedisPubSubConnection<byte[], LimitedValueCodec.Payload> c =
                client.connectPubSub(LimitedValueCodec.unbudgeted(maxMessageBytes));
        c.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] pattern, byte[] channel, LimitedValueCodec.Payload message) {
                onPatternMessage(pattern, channel, message);
            }

            @Override
            public void message(byte[] channel, LimitedValueCodec.Payload message) {
                if (java.util.Arrays.equals(channel, handoverChannel)) {
                    onMarker(message);
                }
            }
        });
        c.sync().subscribe(handoverChannel);
        connection = c;
    }

    private static ByteBuffer key(String pattern) {
        return ByteBuffer.wrap(pattern.getBytes(StandardCharsets.UTF_8));
    }

    /** On Lettuce's I/O thread: a message of a class, read or dropped as its state says. */
    private void onPatternMessage(byte[] pattern, byte[] channel, LimitedValueCodec.Payload message) {
        PatternState state = patterns.get(ByteBuffer.wrap(pattern));
        if (state == null) {
            handoverSkipped.inc(); // unsubscribed a moment ago: its next reader has it
            return;
        }
        if (state.waiting) {
            handoverSkipped.inc(); // its previous reader still reads it
            return;
        }
        // A flood dropped at its channel's share is not counted: not load to move other users for.
        // (A full queue is this reader's load, more than it can take: counted.)
        if (queue.offer(channel, message) != ReaderQueue.Offer.DROPPED_OVER_SHARE && countable(channel)) {
            synchronized (countsLock) {
                long[] n = counts.get(ByteBuffer.wrap(channel));
                if (n != null) {
                    n[0]++;
                } else if (counts.size() < MAX_COUNTED_CHANNELS) {
                    counts.put(ByteBuffer.wrap(channel), new long[] {1});
                }
            }
        }
    }

    /**
     * Only channel names a class can be cut by are counted (printable ASCII, not cut short by the
     * codec): garbage names would fill the reports and balance nothing.
     */
    private static boolean countable(byte[] channel) {
        if (channel.length >= LimitedValueCodec.MAX_KEY_BYTES) {
            return false;
        }
        for (byte b : channel) {
            if (!ChannelClass.printable(b)) {
                return false;
            }
        }
        return true;
    }

    /** On Lettuce's I/O thread: a handover's marker, in order with every message of every class. */
    private void onMarker(LimitedValueCodec.Payload message) {
        if (message.bytes().length > 20) {
            return; // not ours: a token is a decimal long
        }
        long token;
        try {
            token = Long.parseLong(new String(message.bytes(), StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return; // not ours
        }
        for (Map.Entry<ByteBuffer, PatternState> e : patterns.entrySet()) {
            if (e.getValue().waiting && e.getValue().token == token) {
                e.getValue().waiting = false; // from here on, this reader reads it
            }
            if (e.getValue().releaseAt == token) {
                release(e.getValue().pattern, token);
            }
        }
    }

    /** Stops reading {@code pattern} (its next reader reads on from here) and says so. */
    private void release(String pattern, long token) {
        if (patterns.remove(key(pattern)) != null) {
            connection.async().punsubscribe(pattern.getBytes(StandardCharsets.UTF_8));
            outbox.add(new HandoverEvent.Released(token));
            queue.wake();
        }
    }

    @Override
    public InputStatus pollNext(ReaderOutput<T> output) {
        for (HandoverEvent e; (e = outbox.poll()) != null; ) {
            context.sendSourceEventToCoordinator(e);
        }
        if (System.nanoTime() - lastReportNanos >= RedisPubSubEnumerator.PLAN_MILLIS * 1_000_000) {
            report();
        }
        return queue.emit(output, MAX_RECORDS_PER_POLL);
    }

    /** Sends the enumerator each channel's messages since the last report. */
    private void report() {
        long now = System.nanoTime();
        Map<ByteBuffer, long[]> taken;
        synchronized (countsLock) {
            taken = counts;
            counts = new java.util.HashMap<>();
        }
        Map<String, Long> messages = new java.util.HashMap<>();
        taken.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]))
                .limit(MAX_REPORTED_CHANNELS) // keeps the event small over Flink's RPC: the busiest matter
                .forEach(e -> messages.put(new String(e.getKey().array(), StandardCharsets.UTF_8), e.getValue()[0]));
        long millis = Math.max(1, (now - lastReportNanos) / 1_000_000);
        activeChannels = messages.size();
        messagesPerSecond = messages.values().stream().mapToLong(Long::longValue).sum() * 1000.0 / millis;
        context.sendSourceEventToCoordinator(new HandoverEvent.Load(messages, millis));
        lastReportNanos = now;
    }

    @Override
    public void handleSourceEvents(SourceEvent event) {
        for (HandoverEvent e; (e = outbox.poll()) != null; ) { // under backpressure pollNext may wait
            context.sendSourceEventToCoordinator(e);
        }
        if (event instanceof HandoverEvent.Assign a) {
            connect();
            for (String pattern : a.patterns()) {
                patterns.put(key(pattern), new PatternState(pattern, 0));
                psubscribe(pattern);
            }
            if (clientName != null) { // tells the launcher this reader is subscribed (no CLIENT LIST needed)
                connection.sync().subscribe(SubscriptionMarker.channel(clientName,
                        "reader-" + context.getIndexOfSubtask()).getBytes(StandardCharsets.UTF_8));
            }
            LOG.info("Reading {} channel classes at {}: {}", a.patterns().size(), endpoint.redacted(), a.patterns());
        } else if (event instanceof HandoverEvent.Subscribe s) {
            for (String pattern : s.patterns()) {
                patterns.put(key(pattern), new PatternState(pattern, s.token()));
                psubscribe(pattern);
            }
            context.sendSourceEventToCoordinator(new HandoverEvent.Subscribed(s.token()));
        } else if (event instanceof HandoverEvent.Release r) {
            PatternState state = patterns.get(key(r.pattern()));
            if (state == null) {
                context.sendSourceEventToCoordinator(new HandoverEvent.Released(r.token()));
                return;
            }
            state.releaseAt = r.token();
            // The same token again is harmless (every reader cuts at the first copy), so a
            // failed PUBLISH is retried; a lost connection meanwhile releases the pattern anyway.
            for (int attempt = 1; ; attempt++) {
                try {
                    controlConnection().sync().publish(new String(handoverChannel, StandardCharsets.UTF_8), Long.toString(r.token()));
                    break;
                } catch (RuntimeException e) {
                    if (attempt == 3 || !patterns.containsKey(key(r.pattern()))) {
                        LOG.warn("Could not publish the handover marker for {} at {}: {}", r.pattern(), endpoint.redacted(), e.toString());
                        break;
                    }
                }
            }
        } else if (event instanceof HandoverEvent.Start st) {
            // Its previous reader has stopped and this connection had a gap (or that reader is
            // gone): the marker may never come, so waiting patterns start now.
            for (PatternState state : patterns.values()) {
                if (state.token == st.token() && state.waiting && (state.gap || st.force())) {
                    state.waiting = false;
                }
            }
        } else if (event instanceof HandoverEvent.Abort a) {
            for (String pattern : a.patterns()) {
                PatternState state = patterns.get(key(pattern));
                if (state != null && state.token == a.token() && state.waiting) {
                    patterns.remove(key(pattern));
                    connection.async().punsubscribe(pattern.getBytes(StandardCharsets.UTF_8));
                }
            }
        }
    }

    /** A plain connection for publishing markers (a subscribed connection cannot publish). */
    private StatefulRedisConnection<String, String> controlConnection() {
        if (control == null) {
            control = client.connect();
        }
        return control;
    }

    private void psubscribe(String pattern) {
        try {
            connection.sync().psubscribe(pattern.getBytes(StandardCharsets.UTF_8));
        } catch (io.lettuce.core.RedisCommandExecutionException e) {
            throw new IllegalStateException("Redis refused PSUBSCRIBE " + pattern + " at " + endpoint.redacted()
                    + ": " + e.getMessage() + ". The source chooses its patterns as it balances the load, and Redis"
                    + " allows a pattern only if the user's rules name it exactly: give the job's Redis user the rules"
                    + " of bin/eeg acl --role job (they allow every channel)", e);
        }
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        return queue.available(() -> !outbox.isEmpty());
    }

    @Override
    public void addSplits(List<RedisPubSubSplit> newSplits) {
        // None are assigned: classes come as events (see RedisPubSubEnumerator).
    }

    @Override
    public void notifyNoMoreSplits() {}

    @Override
    public List<RedisPubSubSplit> snapshotState(long checkpointId) {
        // Nothing to resume from (pub/sub keeps no history): after a restore, the enumerator
        // tells each reader its classes.
        return List.of();
    }

    @Override
    public void close() {
        closing = true;
        rejects.close();
        if (control != null) {
            control.close();
        }
        if (connection != null) {
            connection.close();
        }
        if (client != null) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
