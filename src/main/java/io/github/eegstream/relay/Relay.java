package io.github.eegstream.relay;

import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.Command;
import io.github.eegstream.wire.RawSamples;
import io.github.eegstream.wire.SampleBuffer;
import io.github.eegstream.wire.WireMessage;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.github.eegstream.redis.MessageFeed;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
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

    private final Options options;
    private final SampleSource source;
    private final Consumer<String> screen;
    private final byte[] rawChannel;
    private final RelayPublisher publisher;
    private final MessageFeed subscriber;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AtomicLong messagesReceived = new AtomicLong();
    private final AtomicLong messagesRejected = new AtomicLong();
    private volatile String failure;
    private final RelayCommands commands;
    private volatile boolean stopRequested;
    private Thread thread;

    /**
     * Connects and subscribes; {@link #start()} begins publishing.
     *
     * @param screen where the relay's lines go (standard output for the command line)
     */
    public Relay(Options options, SampleSource source, RedisClient client, Consumer<String> screen) {
        this(options, source, client, null, null, screen);
    }

    /**
     * On a Redis Cluster ({@code endpoint.isCluster()}): SPUBLISHes the samples and SSUBSCRIBEs to
     * what comes back, through {@code cluster} (which stays the caller's: relays of one process may
     * share it), each channel at its slot's master.
     */
    public Relay(Options options, SampleSource source, io.github.eegstream.redis.RedisEndpoint endpoint,
            io.lettuce.core.cluster.RedisClusterClient cluster, Consumer<String> screen) {
        this(options, source, null, endpoint, cluster, screen);
    }

    private Relay(Options options, SampleSource source, RedisClient client, io.github.eegstream.redis.RedisEndpoint endpoint,
            io.lettuce.core.cluster.RedisClusterClient cluster, Consumer<String> screen) {
        this.options = options;
        this.source = source;
        this.screen = screen;
        this.rawChannel = bytes(Channel.of(options.userId(), ChannelKind.RAW).name());
        this.commands = new RelayCommands(options.userId(), source, screen, this::stop);
        this.publisher = cluster != null ? new RelayPublisher(options, cluster, rawChannel, screen)
                : new RelayPublisher(options, client, rawChannel, screen);
        List<Channel> shown = List.of(Channel.of(options.userId(), ChannelKind.PREDICTIONS),
                Channel.of(options.userId(), ChannelKind.COMMANDS), Channel.of(options.userId(), ChannelKind.ALERTS));
        try {
            MessageFeed.Handler handler = new MessageFeed.Handler() {
                        @Override
                        public void accept(Channel channel, WireMessage message) {
                            show(message, System.currentTimeMillis());
                        }

                        @Override
                        public void deliver(MessageFeed.Delivery d) {
                            show(d.message(), d.receivedMillis()); // a prediction's latency as it arrived, not as queued
                        }
                    };
            MessageFeed.RejectHandler rejected = (channel, e) -> {
                        messagesRejected.incrementAndGet();
                        screen.accept("relay " + options.userId() + ": ignored a bad message on " + channel
                                + " (" + e.reason().metricName() + ": " + e.getMessage() + ")");
                    };
            // What comes back is decoded and shown off Lettuce's thread, as everywhere (MessageFeed).
            this.subscriber = cluster != null
                    ? MessageFeed.ofShardChannels(endpoint, cluster, "relay-" + options.userId(), 10_000, shown, handler, rejected)
                    : MessageFeed.ofChannels(client, "relay-" + options.userId(), 10_000, shown, handler, rejected);
        } catch (RuntimeException e) {
            publisher.close();
            if (!(e instanceof RedisCommandExecutionException)) {
                throw e;
            }
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
        return publisher.samplesPublished();
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
        return publisher.samplesDropped();
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
                publisher.pump();
            }
            publisher.drain();
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

    /** Hands every full message's worth of samples to the publisher. */
    private void enqueue(SampleBuffer pending, int chunk) {
        while (pending.size() >= chunk) {
            RawSamples message = pending.take(chunk);
            pending.drop(chunk);
            publisher.add(message);
        }
    }

    private void show(WireMessage message, long receivedMillis) {
        messagesReceived.incrementAndGet();
        screen.accept(MessageLines.format(options.userId(), message, receivedMillis));
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
                t.join(7_000); // longer than the publisher's drain: it closes after the thread is done with it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        subscriber.close();
        publisher.close();
        source.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
