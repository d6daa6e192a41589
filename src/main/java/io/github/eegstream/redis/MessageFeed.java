package io.github.eegstream.redis;

import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.WireCodec;
import io.github.eegstream.wire.WireException;
import io.github.eegstream.wire.WireMessage;
import io.lettuce.core.RedisClient;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Users' channels, decoded, for a consumer in this process (the dashboard, the recorder).
 * Lettuce's I/O thread only queues the bytes; a thread of the feed's own decodes them and hands
 * each message to the handler. A full queue drops the message and counts it, so a slow handler
 * never makes Redis hold output for this subscriber; a bad message is counted and skipped.
 */
public final class MessageFeed implements AutoCloseable {

    /** Receives each decoded message, on the feed's thread. */
    public interface Handler {
        void accept(Channel channel, WireMessage message) throws IOException;
    }

    private record Received(byte[] channel, byte[] payload) {}

    private final RedisClient client;
    private final StatefulRedisPubSubConnection<byte[], byte[]> connection;
    private final ArrayBlockingQueue<Received> queue;
    private final WireCodec codec = new WireCodec();
    private final Handler handler;
    private final Thread thread;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private volatile boolean closing;
    private volatile IOException failure;

    private MessageFeed(RedisEndpoint endpoint, String name, int capacity, Handler handler) {
        this.handler = handler;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.client = endpoint.createClient(name);
        this.connection = client.connectPubSub(ByteArrayCodec.INSTANCE);
        connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] channel, byte[] message) {
                offer(channel, message);
            }

            @Override
            public void message(byte[] pattern, byte[] channel, byte[] message) {
                offer(channel, message);
            }
        });
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** The messages on these channels. */
    public static MessageFeed ofChannels(RedisEndpoint endpoint, String name, int capacity, List<Channel> channels,
            Handler handler) {
        MessageFeed feed = new MessageFeed(endpoint, name, capacity, handler);
        feed.connection.sync().subscribe(channels.stream().map(c -> bytes(c.name())).toArray(byte[][]::new));
        return feed;
    }

    /** The messages on these kinds of channel, for every user. */
    public static MessageFeed ofAllUsers(RedisEndpoint endpoint, String name, int capacity, List<ChannelKind> kinds,
            Handler handler) {
        MessageFeed feed = new MessageFeed(endpoint, name, capacity, handler);
        feed.connection.sync().psubscribe(kinds.stream().map(k -> bytes(k.patternForAllUsers())).toArray(byte[][]::new));
        return feed;
    }

    private void offer(byte[] channel, byte[] message) {
        if (!queue.offer(new Received(channel, message))) {
            dropped.incrementAndGet();
        }
    }

    private void loop() {
        while (!closing || !queue.isEmpty()) {
            Received r;
            try {
                r = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (r == null) {
                continue;
            }
            try {
                Channel channel = Channel.parse(new String(r.channel(), StandardCharsets.UTF_8));
                handler.accept(channel, channel.kind() == ChannelKind.RAW
                        ? codec.decodeRaw(r.payload()) : codec.decode(channel.kind(), r.payload()));
                delivered.incrementAndGet();
            } catch (WireException | IllegalArgumentException e) {
                rejected.incrementAndGet();
            } catch (IOException e) {
                failure = e;
                return;
            }
        }
    }

    /** Messages decoded and handed to the handler. */
    public long delivered() {
        return delivered.get();
    }

    /** Messages dropped because the handler could not keep up. */
    public long dropped() {
        return dropped.get();
    }

    /** Messages that were not valid wire messages. */
    public long rejected() {
        return rejected.get();
    }

    /** Why the handler stopped the feed, or null. */
    public IOException failure() {
        return failure;
    }

    /** Stops listening, lets the handler take what is queued (for up to 10 s), and disconnects. */
    @Override
    public void close() {
        connection.close();
        closing = true;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
