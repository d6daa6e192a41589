package io.github.eegstream.testing;

import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.WireCodec;
import io.github.eegstream.wire.WireMessage;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** Subscribes to channels, as a consumer would, and records every decoded message by channel. */
public final class ChannelRecorder implements AutoCloseable {

    private final StatefulRedisPubSubConnection<byte[], byte[]> connection;
    private final WireCodec codec = new WireCodec();
    private final Map<String, List<WireMessage>> byChannel = new ConcurrentHashMap<>();
    private final Map<String, List<Long>> arrivals = new ConcurrentHashMap<>();
    private final List<String> undecodable = new CopyOnWriteArrayList<>();

    public ChannelRecorder(Channel... channels) {
        this(TestRedis.client(), channels);
    }

    /** Records from the Redis that {@code client} connects to. */
    public ChannelRecorder(io.lettuce.core.RedisClient client, Channel... channels) {
        connection = client.connectPubSub(ByteArrayCodec.INSTANCE);
        connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] channel, byte[] message) {
                String name = new String(channel, StandardCharsets.UTF_8);
                try {
                    WireMessage m = codec.decode(Channel.parse(name).kind(), message);
                    arrivals.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add(System.currentTimeMillis());
                    byChannel.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add(m);
                } catch (RuntimeException e) {
                    undecodable.add(name + ": " + e.getMessage());
                }
            }
        });
        byte[][] names = new byte[channels.length][];
        for (int i = 0; i < channels.length; i++) {
            names[i] = channels[i].name().getBytes(StandardCharsets.UTF_8);
        }
        connection.sync().subscribe(names);
    }

    public static ChannelRecorder predictionsOf(String... users) {
        Channel[] channels = new Channel[users.length];
        for (int i = 0; i < users.length; i++) {
            channels[i] = Channel.of(users[i], ChannelKind.PREDICTIONS);
        }
        return new ChannelRecorder(channels);
    }

    /** Messages received so far on {@code channel}, in arrival order. */
    @SuppressWarnings("unchecked")
    public <T extends WireMessage> List<T> received(Channel channel) {
        return new ArrayList<>((List<T>) byChannel.getOrDefault(channel.name(), List.of()));
    }

    /** When each of {@link #received} arrived, in milliseconds since the epoch. */
    public List<Long> arrivals(Channel channel) {
        return new ArrayList<>(arrivals.getOrDefault(channel.name(), List.of()));
    }

    public List<String> undecodable() {
        return List.copyOf(undecodable);
    }

    /** Waits until {@code condition} holds for the messages on {@code channel}; false on timeout. */
    public <T extends WireMessage> boolean await(Channel channel, Predicate<List<T>> condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.test(received(channel))) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.test(received(channel));
    }

    @Override
    public void close() {
        connection.close();
    }
}
