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
 * Users' channels, decoded: the one way anything in this process subscribes to them (the relay,
 * the dashboard, the recorder, {@code eeg subscribe}, the benchmark's latency recorder).
 * Lettuce's I/O thread only queues the bytes with the time they came; a thread of the feed's own
 * decodes them and hands each message to the handler. A full queue drops the message and counts
 * it, so a slow handler never makes Redis hold output for this subscriber; a bad message is
 * counted, told to the reject handler, and skipped.
 */
public final class MessageFeed implements AutoCloseable {

    /** Receives each decoded message, on the feed's thread. */
    public interface Handler {
        void accept(Channel channel, WireMessage message) throws IOException;

        /** The whole delivery (its bytes as they came, and when); by default just the message. */
        default void deliver(Delivery delivery) throws IOException {
            accept(delivery.channel(), delivery.message());
        }
    }

    /** Told of each message that is not a valid wire message, on the feed's thread. */
    public interface RejectHandler {
        void rejected(String channel, WireException reason);
    }

    /**
     * One message as it arrived: its channel, its bytes, when Lettuce's I/O thread received it
     * (epoch ms), and the message decoded.
     */
    public record Delivery(Channel channel, byte[] payload, long receivedMillis, WireMessage message) {}

    private record Received(byte[] channel, byte[] payload, long receivedMillis) {}

    private final RedisClient client;
    private final boolean ownsClient;
    private final RejectHandler onRejected;
    private final StatefulRedisPubSubConnection<byte[], byte[]> connection;
    /** On a Redis Cluster (then {@code connection} and {@code client} are null): SSUBSCRIBE at each channel's master. */
    private final io.github.eegstream.connector.redis.ShardedSubscriber<byte[]> sharded;
    private final ArrayBlockingQueue<Received> queue;
    private final WireCodec codec = new WireCodec();
    private final Handler handler;
    private final Thread thread;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong handlerErrors = new AtomicLong();
    private volatile boolean closing;
    private volatile IOException failure;

    private MessageFeed(RedisClient client, boolean ownsClient, String name, int capacity, Handler handler,
            RejectHandler onRejected) {
        this.handler = handler;
        this.onRejected = onRejected;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.client = client;
        this.ownsClient = ownsClient;
        this.sharded = null;
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

    /** On a Redis Cluster: sharded subscriptions through {@code cluster} (which stays the caller's, or null for one of its own). */
    private MessageFeed(RedisEndpoint endpoint, io.lettuce.core.cluster.RedisClusterClient cluster, String name, int capacity,
            Handler handler, RejectHandler onRejected) {
        this.handler = handler;
        this.onRejected = onRejected;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.client = null;
        this.ownsClient = false;
        this.connection = null;
        this.sharded = new io.github.eegstream.connector.redis.ShardedSubscriber<>(endpoint, cluster, name, ByteArrayCodec.INSTANCE,
                (channel, message) -> offer(channel, message));
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * On a Redis Cluster: the messages SPUBLISHed on these channels, each subscribed at its slot's
     * master and followed through failovers; returns once all are subscribed (or after 10 s, when
     * they go on being tried).
     */
    public static MessageFeed ofShardChannels(RedisEndpoint endpoint, io.lettuce.core.cluster.RedisClusterClient cluster,
            String name, int capacity, List<Channel> channels, Handler handler, RejectHandler onRejected) {
        MessageFeed feed = new MessageFeed(endpoint, cluster, name, capacity, handler, onRejected);
        try {
            feed.sharded.subscribeAndWait(channels.stream().map(Channel::name).toList(), Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            feed.close();
            throw e;
        }
        return feed;
    }

    /** The messages on these channels, through a client of its own named {@code name}. */
    public static MessageFeed ofChannels(RedisEndpoint endpoint, String name, int capacity, List<Channel> channels,
            Handler handler) {
        if (endpoint.isCluster()) {
            return ofShardChannels(endpoint, null, name, capacity, channels, handler, (c, e) -> { });
        }
        return subscribe(owned(endpoint, name, capacity, handler), channels);
    }

    /** The messages on these kinds of channel, for every user, through a client of its own. */
    public static MessageFeed ofAllUsers(RedisEndpoint endpoint, String name, int capacity, List<ChannelKind> kinds,
            Handler handler) {
        if (endpoint.isCluster()) {
            MessageFeed feed = new MessageFeed(endpoint, null, name, capacity, handler, (c, e) -> { });
            feed.discoverUsers(kinds);
            return feed;
        }
        return psubscribe(owned(endpoint, name, capacity, handler), kinds);
    }

    /** A feed on a client of its own, which is shut down again if the feed cannot connect. */
    private static MessageFeed owned(RedisEndpoint endpoint, String name, int capacity, Handler handler) {
        RedisClient client = endpoint.createClient(name);
        try {
            return new MessageFeed(client, true, name, capacity, handler, (c, e) -> { });
        } catch (RuntimeException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            throw e;
        }
    }

    /** The messages on these channels, through {@code client} (which stays the caller's). */
    public static MessageFeed ofChannels(RedisClient client, String name, int capacity, List<Channel> channels,
            Handler handler, RejectHandler onRejected) {
        return subscribe(new MessageFeed(client, false, name, capacity, handler, onRejected), channels);
    }

    /** The messages on these kinds of channel for every user, through {@code client} (which stays the caller's). */
    public static MessageFeed ofAllUsers(RedisClient client, String name, int capacity, List<ChannelKind> kinds,
            Handler handler, RejectHandler onRejected) {
        return psubscribe(new MessageFeed(client, false, name, capacity, handler, onRejected), kinds);
    }

    /**
     * On a Redis Cluster, where sharded pub/sub has no patterns: every half second the users
     * that sent within the last minute are read from the relays' registry ({@link Channel#REGISTRY_KEY})
     * and their channels of these kinds subscribed. A new user's first half second or so is not seen.
     */
    private void discoverUsers(List<ChannelKind> kinds) {
        java.util.Set<String> known = java.util.concurrent.ConcurrentHashMap.newKeySet();
        var connection = sharded.cluster().connect();
        Thread discovery = new Thread(() -> {
            while (!closing) {
                try {
                    double since = System.currentTimeMillis() - 60_000;
                    List<String> added = new java.util.ArrayList<>();
                    for (String member : connection.sync().zrangebyscore(Channel.REGISTRY_KEY,
                            io.lettuce.core.Range.create(since, Double.MAX_VALUE))) {
                        try {
                            Channel raw = Channel.parse(member);
                            if (known.add(raw.userId())) {
                                kinds.forEach(k -> added.add(Channel.of(raw.userId(), k).name()));
                            }
                        } catch (IllegalArgumentException notOurs) {
                            // not a user's channel
                        }
                    }
                    sharded.subscribe(added);
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    break;
                } catch (RuntimeException e) {
                    try {
                        Thread.sleep(1000); // Redis away: try again
                    } catch (InterruptedException ie) {
                        break;
                    }
                }
            }
            connection.close();
        }, thread.getName() + "-discovery");
        discovery.setDaemon(true);
        discovery.start();
    }

    private static MessageFeed subscribe(MessageFeed feed, List<Channel> channels) {
        try {
            feed.connection.sync().subscribe(channels.stream().map(c -> bytes(c.name())).toArray(byte[][]::new));
        } catch (RuntimeException e) {
            feed.close();
            throw e;
        }
        return feed;
    }

    private static MessageFeed psubscribe(MessageFeed feed, List<ChannelKind> kinds) {
        try {
            feed.connection.sync().psubscribe(kinds.stream().map(k -> bytes(k.patternForAllUsers())).toArray(byte[][]::new));
        } catch (RuntimeException e) {
            feed.close();
            throw e;
        }
        return feed;
    }

    private void offer(byte[] channel, byte[] message) {
        if (!queue.offer(new Received(channel, message, System.currentTimeMillis()))) {
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
            String name = new String(r.channel(), StandardCharsets.UTF_8);
            Channel channel;
            WireMessage message;
            try {
                channel = Channel.parse(name);
                message = channel.kind() == ChannelKind.RAW
                        ? codec.decodeRaw(r.payload()) : codec.decode(channel.kind(), r.payload());
            } catch (WireException e) {
                rejected.incrementAndGet();
                onRejected.rejected(name, e);
                continue;
            } catch (IllegalArgumentException e) { // not a channel of ours
                rejected.incrementAndGet();
                continue;
            }
            try {
                handler.deliver(new Delivery(channel, r.payload(), r.receivedMillis(), message));
                delivered.incrementAndGet();
            } catch (IOException e) {
                failure = e; // the handler cannot go on (a file it writes): the feed stops
                return;
            } catch (RuntimeException e) {
                // A handler's bug costs that message, not the feed: it goes on with the next.
                long n = handlerErrors.incrementAndGet();
                if (io.github.eegstream.connector.redis.SampledLog.shouldLog(n)) {
                    System.err.println(Thread.currentThread().getName() + ": a message on " + name
                            + " failed in its handler (" + n + " so far): " + e);
                }
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
        if (sharded != null) {
            sharded.close();
        } else {
            connection.close();
        }
        closing = true;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ownsClient) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
