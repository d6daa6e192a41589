package io.github.eegstream.relay;

import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.RawSamples;
import io.github.eegstream.wire.WireCodec;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * What a relay sends to Redis and how it rides out an outage: each message goes into the
 * {@link Backlog} and leaves it only once Redis has acknowledged it; while Redis is away the
 * backlog holds up to the buffer's worth of samples, and when it is back the last seconds are
 * sent again (after a grace for subscribers to return) before the rest, in order. In durable
 * mode every message is also appended to the user's stream with an id fixed when it was made.
 * Used from the relay's publishing thread only.
 *
 * <p>On a Redis Cluster it SPUBLISHes (sharded pub/sub: routed to the master of the channel's
 * slot). Its first samples wait, in the backlog, until the raw channel has a subscriber there
 * (PUBSUB SHARDNUMSUB: the job finds new users in the registry, and subscribes a moment later),
 * for at most {@link #FIRST_SUBSCRIBER_WAIT_NANOS}; meanwhile the relay registers every second.
 * A failed SPUBLISH (its master lost) is sent again, to the promoted replica once the topology
 * names it.
 */
final class RelayPublisher implements AutoCloseable {

    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);
    /**
     * After Redis comes back, sending waits this long, so that subscribers (whose clients retry
     * on their own schedule: ours at least once a second) have subscribed again before the held
     * samples are published.
     */
    private static final long RESUBSCRIBE_GRACE_NANOS = 1_500_000_000L;
    private static final byte[] STREAM_FIELD_BYTES = Channel.STREAM_FIELD.getBytes(StandardCharsets.UTF_8);

    private final Relay.Options options;
    private final Consumer<String> screen;
    private final WireCodec codec = new WireCodec();
    private final byte[] rawChannel;
    /** On a Redis Cluster, how long the first samples wait for the job to subscribe to the raw channel. */
    static final long FIRST_SUBSCRIBER_WAIT_NANOS = 10_000_000_000L;
    private static final long SUBSCRIBER_CHECK_NANOS = 100_000_000L;

    private final StatefulConnection<byte[], byte[]> publisher;
    private final RedisClusterAsyncCommands<byte[], byte[]> commands;
    /** Non-null on a Redis Cluster: SPUBLISH, and wait for the first subscriber. */
    private final StatefulRedisClusterConnection<String, String> clusterControl;
    private final long startNanos = System.nanoTime();
    private boolean awaitingSubscriber;
    private long lastSubscriberCheckNanos;
    private final Backlog backlog;
    private final AtomicLong samplesPublished = new AtomicLong();
    private boolean connected = true;
    private long outageStartNanos;
    private boolean recovering;
    private long sendAfterNanos;
    private double heldThrough;
    private static final byte[] REGISTRY_KEY = Channel.REGISTRY_KEY.getBytes(StandardCharsets.UTF_8);
    private long lastRefreshNanos = System.nanoTime() - 2_000_000_000L;
    private long lastIdMillis;
    private long lastIdSequence;
    private long lastDropWarningNanos;

    RelayPublisher(Relay.Options options, RedisClient client, byte[] rawChannel, Consumer<String> screen) {
        this.options = options;
        this.screen = screen;
        this.rawChannel = rawChannel;
        // A durable stream's Redis may lose up to about two seconds of appends it acknowledged when
        // its host crashes (AOF fsyncs every second): those are appended again, the ones it kept refused.
        this.backlog = new Backlog(options.buffer().toNanos() / 1e9, options.durableRetention() != null ? 3.0 : 1.0,
                this::streamHoldsOrTrimmed);
        StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE);
        this.publisher = c;
        this.commands = c.async();
        this.clusterControl = null;
        this.publisher.setAutoFlushCommands(false); // one network write per batch of samples
    }

    /** On a Redis Cluster: SPUBLISH through {@code cluster}, which stays the caller's. */
    RelayPublisher(Relay.Options options, RedisClusterClient cluster, byte[] rawChannel, Consumer<String> screen) {
        if (options.durableRetention() != null) {
            throw new IllegalArgumentException("--durable is not supported on a Redis Cluster yet: use a single Redis node");
        }
        this.options = options;
        this.screen = screen;
        this.rawChannel = rawChannel;
        this.backlog = new Backlog(options.buffer().toNanos() / 1e9, 1.0, this::streamHoldsOrTrimmed);
        StatefulRedisClusterConnection<byte[], byte[]> c = cluster.connect(ByteArrayCodec.INSTANCE);
        try {
            this.clusterControl = cluster.connect();
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        this.publisher = c;
        this.commands = c.async();
        this.awaitingSubscriber = true;
        this.publisher.setAutoFlushCommands(false);
    }

    /** Samples Redis has acknowledged. */
    long samplesPublished() {
        return samplesPublished.get();
    }

    /** Samples dropped because an outage outlasted the buffer. */
    long samplesDropped() {
        return backlog.samplesDropped();
    }

    /** Encodes one message into the backlog (its stream id fixed now, in durable mode). */
    void add(RawSamples message) {
        int samples = message.timestamps().length;
        Backlog.Entry entry = new Backlog.Entry(codec.encode(message), samples, message.timestamps()[samples - 1]);
        if (options.durableRetention() != null) {
            entry.streamId = nextStreamId();
        }
        long dropped = backlog.add(entry);
        if (dropped > 0 && System.nanoTime() - lastDropWarningNanos > 5_000_000_000L) {
            lastDropWarningNanos = System.nanoTime();
            screen.accept("relay " + options.userId() + ": buffer full (" + seconds(options.buffer())
                    + "): dropping the oldest samples, " + backlog.samplesDropped()
                    + " so far; a longer --buffer-seconds rides out longer outages");
        }
    }

    /** Settles what Redis answered and sends what waits, in one pipelined write. */
    void pump() {
        samplesPublished.addAndGet(backlog.settle());
        // On a cluster the connection is one per node: a lost master fails its SPUBLISHes, which
        // are sent again (to its replica once promoted); Redis as a whole is not away.
        boolean open = clusterControl != null || publisher.isOpen();
        if (open != connected) {
            connected = open;
            if (!open) {
                outageStartNanos = System.nanoTime();
                screen.accept("relay " + options.userId() + ": lost the connection to Redis; holding up to "
                        + seconds(options.buffer()) + " of samples until it is back");
            } else {
                recovering = true;
                backlog.resendAfterOutage();
                sendAfterNanos = System.nanoTime() + RESUBSCRIBE_GRACE_NANOS;
                heldThrough = backlog.newestTimestamp();
                screen.accept(String.format(java.util.Locale.ROOT,
                        "relay %s: Redis is back after %.1f s; sending %d held samples", options.userId(),
                        (System.nanoTime() - outageStartNanos) / 1e9, backlog.samplesHeld()));
            }
        }
        if (recovering && backlog.acknowledgedThrough(heldThrough)) {
            recovering = false;
            screen.accept("relay " + options.userId() + ": caught up; " + (backlog.samplesDropped() == 0
                    ? "no sample lost" : backlog.samplesDropped() + " samples dropped in all (buffer full)"));
        }
        if (awaitingSubscriber && awaitSubscriber()) {
            return;
        }
        if (!open || (recovering && System.nanoTime() - sendAfterNanos < 0)) {
            return;
        }
        boolean wrote = false;
        for (Backlog.Entry e : backlog.unsent()) {
            RedisFuture<Long> published = clusterControl != null ? commands.spublish(rawChannel, e.payload)
                    : commands.publish(rawChannel, e.payload);
            if (options.durableRetention() != null) {
                XAddArgs args = streamTrim();
                if (e.streamId != null) {
                    args.id(e.streamId);
                }
                e.sent(published, commands.xadd(rawChannel, args, Map.of(STREAM_FIELD_BYTES, e.payload)));
            } else {
                e.sent(published);
            }
            wrote = true;
        }
        if (wrote && System.nanoTime() - lastRefreshNanos > 1_000_000_000L) {
            lastRefreshNanos = System.nanoTime();
            // Readers find this user in the registry (Channel.REGISTRY_KEY), not by scanning.
            commands.zadd(REGISTRY_KEY, (double) System.currentTimeMillis(), rawChannel);
            if (options.durableRetention() != null) {
                // A stream nobody appends to any more goes away after the retention, with its last entries.
                commands.pexpire(rawChannel, options.durableRetention().toMillis());
            }
        }
        if (wrote) {
            publisher.flushCommands();
        }
    }

    /**
     * On a cluster, before the first send: registers (every second) and asks every
     * {@link #SUBSCRIBER_CHECK_NANOS} whether the raw channel has a subscriber at its master.
     *
     * @return true while the first samples should still wait
     */
    private boolean awaitSubscriber() {
        long now = System.nanoTime();
        if (now - lastRefreshNanos > 1_000_000_000L) {
            lastRefreshNanos = now;
            commands.zadd(REGISTRY_KEY, (double) System.currentTimeMillis(), rawChannel);
            publisher.flushCommands();
        }
        if (now - lastSubscriberCheckNanos < SUBSCRIBER_CHECK_NANOS) {
            return true;
        }
        lastSubscriberCheckNanos = now;
        String channel = new String(rawChannel, StandardCharsets.UTF_8);
        if (io.github.eegstream.redis.ClusterNodes.shardSubscribers(clusterControl, java.util.List.of(channel)) > 0) {
            awaitingSubscriber = false;
            return false;
        }
        if (now - startNanos > FIRST_SUBSCRIBER_WAIT_NANOS) {
            awaitingSubscriber = false;
            screen.accept("relay " + options.userId() + ": nothing subscribes to " + channel + " after "
                    + FIRST_SUBSCRIBER_WAIT_NANOS / 1_000_000_000L + " s (is the job running?); sending anyway");
            return false;
        }
        return true;
    }

    /**
     * The next stream entry id, {@code <wall-clock ms>-<seq>}, always above the one before (as
     * Redis requires): fixed when the message is made, so the same message appended again after
     * an outage has the same id, and Redis refuses it instead of storing it twice.
     */
    private String nextStreamId() {
        long now = System.currentTimeMillis();
        if (now > lastIdMillis) {
            lastIdMillis = now;
            lastIdSequence = 0;
        } else {
            lastIdSequence++;
        }
        return lastIdMillis + "-" + lastIdSequence;
    }

    /** Whether the user's stream holds the entry {@code id}, or its retention has gone past it. */
    private Boolean streamHoldsOrTrimmed(String id) {
        long millis = Long.parseLong(id.substring(0, id.indexOf('-')));
        if (millis < System.currentTimeMillis() - options.durableRetention().toMillis()) {
            return true;
        }
        try {
            var found = commands.xrange(rawChannel, io.lettuce.core.Range.create(id, id));
            publisher.flushCommands(); // this connection sends in batches
            return !found.get(5, java.util.concurrent.TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
            return null; // cannot tell now: sent again with the same id, and asked again
        }
    }

    /** Drops stream entries older than the retention (approximately, which Redis does cheaply). */
    private XAddArgs streamTrim() {
        long oldest = System.currentTimeMillis() - options.durableRetention().toMillis();
        return new XAddArgs().minId(Math.max(0, oldest) + "-0").approximateTrimming();
    }

    /** Sends what is left when the stream ends, giving Redis a few seconds if it is away. */
    void drain() throws InterruptedException {
        long until = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        while (!backlog.isEmpty() && System.nanoTime() < until) {
            pump();
            Thread.sleep(5);
        }
        if (!backlog.isEmpty()) {
            screen.accept("relay " + options.userId() + ": stopping with " + backlog.samplesHeld()
                    + " samples Redis never acknowledged");
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() / 1000.0 + " s";
    }

    @Override
    public void close() {
        publisher.close();
        if (clusterControl != null) {
            clusterControl.close();
        }
    }
}
