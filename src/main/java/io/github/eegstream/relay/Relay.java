package io.github.eegstream.relay;

import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.Command;
import io.github.eegstream.wire.RawSamples;
import io.github.eegstream.wire.SampleBuffer;
import io.github.eegstream.wire.WireCodec;
import io.github.eegstream.wire.WireException;
import io.github.eegstream.wire.WireMessage;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.github.eegstream.redis.MessageFeed;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * An edge relay for one user: publishes a {@link SampleSource}'s samples to {@code user:{id}:raw}
 * and shows each message arriving on the user's predictions, commands and alerts channels as one
 * line. Obeys the commands {@code pause}, {@code resume}, {@code stop} and {@code set} ({@link RelayCommands}).
 *
 * <p>While Redis is unreachable the relay keeps reading its source and holds the messages (up to
 * {@link Options#buffer()} of samples); when Redis is back it sends them in order. A message
 * counts as published only once Redis has acknowledged it; the last second before an outage is
 * sent again (the job drops repeats), as Redis may have acknowledged it and then lost it.
 */
public final class Relay implements AutoCloseable {

    /**
     * @param chunkSize samples per message: 1 sends the seed's per-sample form, more sends
     *     {@code raw_chunk} messages
     * @param duration stop after this long, or run until stopped if null
     * @param buffer how much of the stream to hold while Redis is unreachable; older samples are
     *     dropped (and counted) beyond it
     * @param durableRetention if not null, also append every message to the user's raw stream
     *     ({@code XADD user:{id}:raw}), trimmed to this age
     */
    public record Options(String userId, int chunkSize, Duration duration, Duration buffer, Duration durableRetention) {
        /** The outage a relay rides out by default without losing a sample. */
        public static final Duration DEFAULT_BUFFER = Duration.ofSeconds(60);

        public Options {
            Channel.of(userId, ChannelKind.RAW); // validates the id
            if (chunkSize < 1) {
                throw new IllegalArgumentException("chunk size must be at least 1 sample, was " + chunkSize);
            }
            if (buffer == null || buffer.isNegative() || buffer.isZero()) {
                throw new IllegalArgumentException("the outage buffer must be positive, was " + buffer);
            }
            if (durableRetention != null && (durableRetention.isNegative() || durableRetention.isZero())) {
                throw new IllegalArgumentException("the durable stream's retention must be positive, was " + durableRetention);
            }
        }

        /** Publishes only (no stream), with the default outage buffer. */
        public Options(String userId, int chunkSize, Duration duration) {
            this(userId, chunkSize, duration, DEFAULT_BUFFER, null);
        }

        public Options withBuffer(Duration newBuffer) {
            return new Options(userId, chunkSize, duration, newBuffer, durableRetention);
        }

        public Options withDurableRetention(Duration retention) {
            return new Options(userId, chunkSize, duration, buffer, retention);
        }
    }

    /** How long a relay that is stopping keeps trying to send what it still holds. */
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);
    /**
     * How long the relay waits after Redis comes back before sending what it held: every client
     * of ours retries at least once a second, so by then the job and other subscribers have
     * subscribed again and receive the held samples instead of missing them.
     */
    private static final long RESUBSCRIBE_GRACE_NANOS = 1_500_000_000L;

    private final Options options;
    private final SampleSource source;
    private final Consumer<String> screen;
    private final WireCodec codec = new WireCodec();
    private final byte[] rawChannel;
    private final StatefulRedisConnection<byte[], byte[]> publisher;
    private final MessageFeed subscriber;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AtomicLong samplesPublished = new AtomicLong();
    private final AtomicLong messagesReceived = new AtomicLong();
    private final AtomicLong messagesRejected = new AtomicLong();
    private final Backlog backlog;
    private volatile String failure;
    private boolean connected = true;
    private long outageStartNanos;
    private boolean recovering;
    private long sendAfterNanos;
    private double heldThrough;
    private long lastExpireNanos = System.nanoTime() - 2_000_000_000L;
    private long lastIdMillis;
    private long lastIdSequence;
    private long lastDropWarningNanos;
    private final RelayCommands commands;
    private volatile boolean stopRequested;
    private Thread thread;

    /**
     * Connects and subscribes; {@link #start()} begins publishing.
     *
     * @param screen where the relay's lines go (standard output for the command line)
     */
    public Relay(Options options, SampleSource source, RedisClient client, Consumer<String> screen) {
        this.options = options;
        this.source = source;
        this.screen = screen;
        this.rawChannel = bytes(Channel.of(options.userId(), ChannelKind.RAW).name());
        // A durable stream's Redis may lose up to about two seconds of appends it acknowledged when
        // its host crashes (AOF fsyncs every second): those are appended again, the ones it kept refused.
        this.backlog = new Backlog(options.buffer().toNanos() / 1e9, options.durableRetention() != null ? 3.0 : 1.0,
                this::streamHoldsOrTrimmed);
        this.commands = new RelayCommands(options.userId(), source, screen, this::stop);
        this.publisher = client.connect(ByteArrayCodec.INSTANCE);
        this.publisher.setAutoFlushCommands(false); // one network write per batch of samples
        List<Channel> shown = List.of(Channel.of(options.userId(), ChannelKind.PREDICTIONS),
                Channel.of(options.userId(), ChannelKind.COMMANDS), Channel.of(options.userId(), ChannelKind.ALERTS));
        try {
            // What comes back is decoded and shown off Lettuce's thread, as everywhere (MessageFeed).
            this.subscriber = MessageFeed.ofChannels(client, "relay-" + options.userId(), 10_000, shown, this::onMessage,
                    (channel, e) -> {
                        messagesRejected.incrementAndGet();
                        screen.accept("relay " + options.userId() + ": ignored a bad message on " + channel
                                + " (" + e.reason().metricName() + ": " + e.getMessage() + ")");
                    });
        } catch (RedisCommandExecutionException e) {
            publisher.close();
            throw new IllegalStateException("Redis refused to let this relay subscribe to "
                    + String.join(", ", shown.stream().map(Channel::name).toList())
                    + ": " + e.getMessage() + ". Check the Redis user's rules (bin/eeg acl --user " + options.userId()
                    + " --role relay).", e);
        }
    }

    /** Starts publishing on a thread of its own. */
    public synchronized Relay start() {
        if (thread == null) {
            thread = new Thread(this::publishLoop, "relay-" + options.userId());
            thread.setDaemon(true);
            thread.start();
        }
        return this;
    }

    /** Waits until the duration has passed, a {@code stop} command came, or {@link #stop()}. */
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void awaitFinished() throws InterruptedException {
        finished.await();
    }

    /** Asks the publishing loop to end after its current batch. */
    public void stop() {
        stopRequested = true;
    }

    public long samplesPublished() {
        return samplesPublished.get();
    }

    public long messagesReceived() {
        return messagesReceived.get();
    }

    public long messagesRejected() {
        return messagesRejected.get();
    }

    public String userId() {
        return options.userId();
    }

    /** Why the relay stopped early (for example Redis refused it), or null. */
    public String failure() {
        return failure;
    }

    /** Samples dropped because an outage outlasted the buffer. */
    public long samplesDropped() {
        return backlog.samplesDropped();
    }

    private void publishLoop() {
        long deadline = options.duration() == null ? Long.MAX_VALUE : System.nanoTime() + options.duration().toNanos();
        SampleBuffer pending = new SampleBuffer();
        try {
            while (!stopRequested && System.nanoTime() < deadline) {
                RawSamples samples = source.read();
                if (samples == null) {
                    break;
                }
                if (!commands.paused()) {
                    pending.append(samples);
                    enqueue(pending, options.chunkSize());
                }
                pump();
            }
            drain();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure = e instanceof Backlog.RefusedException
                    ? "Redis refused to let this relay publish to " + new String(rawChannel, StandardCharsets.UTF_8)
                            + (options.durableRetention() != null ? " (or append to the stream of that name)" : "")
                            + ": " + e.getMessage() + ". Check the Redis user's rules (bin/eeg acl --user "
                            + options.userId() + " --role relay)."
                    : e.getMessage();
            screen.accept("relay " + options.userId() + " stopped: " + failure);
        } finally {
            finished.countDown();
        }
    }

    /** Encodes every full message's worth of samples into the backlog. */
    private void enqueue(SampleBuffer pending, int chunk) {
        while (pending.size() >= chunk) {
            RawSamples message = pending.take(chunk);
            pending.drop(chunk);
            Backlog.Entry entry = new Backlog.Entry(codec.encode(message), chunk, message.timestamps()[chunk - 1]);
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
    }

    /** Settles what Redis answered and sends what waits, in one pipelined write. */
    private void pump() {
        samplesPublished.addAndGet(backlog.settle());
        boolean open = publisher.isOpen();
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
        if (!open || (recovering && System.nanoTime() - sendAfterNanos < 0)) {
            return;
        }
        boolean wrote = false;
        for (Backlog.Entry e : backlog.unsent()) {
            RedisFuture<Long> published = publisher.async().publish(rawChannel, e.payload);
            if (options.durableRetention() != null) {
                XAddArgs args = streamTrim();
                if (e.streamId != null) {
                    args.id(e.streamId);
                }
                e.sent(published, publisher.async().xadd(rawChannel, args, Map.of(STREAM_FIELD_BYTES, e.payload)));
            } else {
                e.sent(published);
            }
            wrote = true;
        }
        if (wrote && options.durableRetention() != null && System.nanoTime() - lastExpireNanos > 1_000_000_000L) {
            // A stream nobody appends to any more goes away after the retention, with its last entries.
            lastExpireNanos = System.nanoTime();
            publisher.async().pexpire(rawChannel, options.durableRetention().toMillis());
        }
        if (wrote) {
            publisher.flushCommands();
        }
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
            var found = publisher.async().xrange(rawChannel, io.lettuce.core.Range.create(id, id));
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
    private void drain() throws InterruptedException {
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

    private void onMessage(Channel channel, WireMessage message) {
        messagesReceived.incrementAndGet();
        screen.accept(MessageLines.format(options.userId(), message, System.currentTimeMillis()));
        if (message instanceof Command command) {
            commands.obey(command);
        }
    }

    @Override
    public void close() {
        stop();
        Thread t = thread;
        if (t != null) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        subscriber.close();
        publisher.close();
        source.close();
    }

    private static final byte[] STREAM_FIELD_BYTES = bytes(Channel.STREAM_FIELD);

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
