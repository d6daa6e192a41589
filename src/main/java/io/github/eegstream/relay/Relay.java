package io.github.eegstream.relay;

import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.Command;
import io.github.eegstream.wire.RawSamples;
import io.github.eegstream.wire.SampleBuffer;
import io.github.eegstream.wire.WireCodec;
import io.github.eegstream.wire.WireException;
import io.github.eegstream.wire.WireMessage;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * An edge relay for one user: publishes a {@link SampleSource}'s samples to {@code user:{id}:raw}
 * and shows each message arriving on the user's predictions, commands and alerts channels as one
 * line. Obeys the commands {@code pause}, {@code resume}, {@code stop} and {@code set}.
 */
public final class Relay implements AutoCloseable {

    /**
     * @param chunkSize samples per message: 1 sends the seed's per-sample form, more sends
     *     {@code raw_chunk} messages
     * @param duration stop after this long, or run until stopped if null
     */
    public record Options(String userId, int chunkSize, Duration duration) {
        public Options {
            Channel.of(userId, ChannelKind.RAW); // validates the id
            if (chunkSize < 1) {
                throw new IllegalArgumentException("chunk size must be at least 1 sample, was " + chunkSize);
            }
        }
    }

    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(10);

    private final Options options;
    private final SampleSource source;
    private final Consumer<String> screen;
    private final WireCodec codec = new WireCodec();
    private final byte[] rawChannel;
    private final StatefulRedisConnection<byte[], byte[]> publisher;
    private final StatefulRedisPubSubConnection<byte[], byte[]> subscriber;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AtomicLong samplesPublished = new AtomicLong();
    private final AtomicLong messagesReceived = new AtomicLong();
    private final AtomicLong messagesRejected = new AtomicLong();
    private final AtomicLong publishFailures = new AtomicLong();
    private volatile boolean paused;
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
        this.publisher = client.connect(ByteArrayCodec.INSTANCE);
        this.publisher.setAutoFlushCommands(false); // one network write per batch of samples
        this.subscriber = client.connectPubSub(ByteArrayCodec.INSTANCE);
        this.subscriber.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] channel, byte[] message) {
                onMessage(new String(channel, StandardCharsets.UTF_8), message);
            }
        });
        this.subscriber.sync().subscribe(
                bytes(Channel.of(options.userId(), ChannelKind.PREDICTIONS).name()),
                bytes(Channel.of(options.userId(), ChannelKind.COMMANDS).name()),
                bytes(Channel.of(options.userId(), ChannelKind.ALERTS).name()));
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

    private void publishLoop() {
        long deadline = options.duration() == null ? Long.MAX_VALUE : System.nanoTime() + options.duration().toNanos();
        SampleBuffer pending = new SampleBuffer();
        try {
            while (!stopRequested && System.nanoTime() < deadline) {
                RawSamples samples = source.read();
                if (samples == null) {
                    break;
                }
                if (paused) {
                    continue;
                }
                pending.append(samples);
                publish(pending, options.chunkSize());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            screen.accept("relay " + options.userId() + " stopped: " + e.getMessage());
        } finally {
            finished.countDown();
        }
    }

    /** Publishes every full message's worth of samples in one pipelined batch. */
    private void publish(SampleBuffer pending, int chunk) {
        List<RedisFuture<Long>> batch = new ArrayList<>();
        int sent = 0;
        while (pending.size() >= chunk) {
            RawSamples message = pending.take(chunk);
            pending.drop(chunk);
            batch.add(publisher.async().publish(rawChannel, codec.encode(message)));
            sent += chunk;
        }
        if (batch.isEmpty()) {
            return;
        }
        publisher.flushCommands();
        try {
            if (!LettuceFutures.awaitAll(PUBLISH_TIMEOUT, batch.toArray(new RedisFuture<?>[0]))) {
                throw new IllegalStateException("timed out");
            }
            samplesPublished.addAndGet(sent);
        } catch (RuntimeException e) {
            if (publishFailures.getAndIncrement() % 100 == 0) {
                screen.accept("relay " + options.userId() + ": publishing failed (" + e.getMessage() + "); "
                        + publishFailures.get() + " batches lost so far");
            }
        }
    }

    private void onMessage(String channelName, byte[] payload) {
        long now = System.currentTimeMillis();
        try {
            Channel channel = Channel.parse(channelName);
            WireMessage message = codec.decode(channel.kind(), payload);
            messagesReceived.incrementAndGet();
            screen.accept(MessageLines.format(options.userId(), message, now));
            if (message instanceof Command command) {
                obey(command);
            }
        } catch (WireException e) {
            messagesRejected.incrementAndGet();
            screen.accept("relay " + options.userId() + ": ignored a bad message on " + channelName
                    + " (" + e.reason().metricName() + ": " + e.getMessage() + ")");
        }
    }

    private void obey(Command command) {
        String id = options.userId();
        switch (command.command()) {
            case "pause" -> {
                paused = true;
                screen.accept("relay " + id + ": paused; send 'resume' to continue");
            }
            case "resume" -> {
                paused = false;
                screen.accept("relay " + id + ": resumed");
            }
            case "stop" -> {
                screen.accept("relay " + id + ": stopping on command");
                stop();
            }
            case "set" -> {
                try {
                    screen.accept("relay " + id + ": set " + source.apply(command.args()));
                } catch (IllegalArgumentException e) {
                    screen.accept("relay " + id + ": cannot set: " + e.getMessage());
                }
            }
            default -> screen.accept("relay " + id + ": ignored unknown command '" + command.command()
                    + "' (known: pause, resume, stop, set)");
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

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
