package io.github.eegstream.dashboard;

import io.github.eegstream.redis.RedisEndpoint;
import io.github.eegstream.wire.Alert;
import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.Features;
import io.github.eegstream.wire.Prediction;
import io.github.eegstream.wire.RawSamples;
import io.github.eegstream.wire.WireCodec;
import io.github.eegstream.wire.WireException;
import io.github.eegstream.wire.WireMessage;
import io.lettuce.core.RedisClient;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every user's channels, as the dashboard sees them: one pattern subscription per kind, messages
 * handed from Lettuce's I/O thread to a decoding thread through a bounded queue (full: the
 * message is dropped for display and counted, never waited for), and each user's
 * {@link UserView} drained into frames for the page.
 */
final class LiveFeed implements AutoCloseable {

    /** A user silent this long leaves the list of live users. */
    static final long LIVE_MILLIS = 10_000;

    private record Received(byte[] channel, byte[] payload) {}

    private final RedisClient client;
    private final StatefulRedisPubSubConnection<byte[], byte[]> connection;
    private final ArrayBlockingQueue<Received> queue = new ArrayBlockingQueue<>(50_000);
    private final Map<String, UserView> users = new TreeMap<>();
    private final WireCodec codec = new WireCodec();
    private final double displayRate;
    private final Thread decoder;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong decoded = new AtomicLong();
    private volatile boolean closing;

    LiveFeed(RedisEndpoint endpoint, double displayRate) {
        this.displayRate = displayRate;
        this.client = endpoint.createClient("eegstream-dashboard");
        this.connection = client.connectPubSub(ByteArrayCodec.INSTANCE);
        connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] pattern, byte[] channel, byte[] message) {
                if (!queue.offer(new Received(channel, message))) {
                    dropped.incrementAndGet();
                }
            }
        });
        List<byte[]> patterns = new ArrayList<>();
        for (ChannelKind kind : List.of(ChannelKind.RAW, ChannelKind.PREDICTIONS, ChannelKind.FEATURES, ChannelKind.ALERTS)) {
            patterns.add(kind.patternForAllUsers().getBytes(StandardCharsets.UTF_8));
        }
        connection.sync().psubscribe(patterns.toArray(byte[][]::new));
        decoder = new Thread(this::decodeLoop, "dashboard-decoder");
        decoder.setDaemon(true);
        decoder.start();
    }

    private void decodeLoop() {
        while (!closing) {
            Received r;
            try {
                r = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (r != null) {
                decode(r);
            }
        }
    }

    private void decode(Received r) {
        try {
            Channel channel = Channel.parse(new String(r.channel(), StandardCharsets.UTF_8));
            WireMessage message = channel.kind() == ChannelKind.RAW
                    ? codec.decodeRaw(r.payload()) : codec.decode(channel.kind(), r.payload());
            long now = System.currentTimeMillis();
            decoded.incrementAndGet();
            synchronized (users) {
                UserView view = users.computeIfAbsent(channel.userId(), id -> new UserView(displayRate));
                if (message instanceof RawSamples s) {
                    view.add(s, now);
                } else if (message instanceof Prediction p) {
                    view.add(p, now);
                } else if (message instanceof Features f) {
                    view.add(f, now);
                } else if (message instanceof Alert a) {
                    view.add(a, now);
                }
            }
        } catch (WireException | IllegalArgumentException e) {
            rejected.incrementAndGet(); // a bad message is not shown; the job reports it
        }
    }

    /** A frame: the live users, and what arrived for each since the last frame. */
    Map<String, Object> frame() {
        long now = System.currentTimeMillis();
        Map<String, Object> data = new LinkedHashMap<>();
        List<String> live = new ArrayList<>();
        synchronized (users) {
            users.values().removeIf(v -> now - v.lastSeenMillis() > 5 * LIVE_MILLIS);
            users.forEach((id, view) -> {
                if (now - view.lastSeenMillis() <= LIVE_MILLIS) {
                    live.add(id);
                }
                Map<String, Object> news = view.drain();
                if (news != null) {
                    data.put(id, news);
                }
            });
        }
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("now", now / 1000.0);
        frame.put("live", live);
        frame.put("users", data);
        frame.put("dropped", dropped.get());
        return frame;
    }

    /** The users heard from in the last {@link #LIVE_MILLIS}. */
    List<String> liveUsers() {
        long now = System.currentTimeMillis();
        synchronized (users) {
            return users.entrySet().stream().filter(e -> now - e.getValue().lastSeenMillis() <= LIVE_MILLIS)
                    .map(Map.Entry::getKey).toList();
        }
    }

    long decoded() {
        return decoded.get();
    }

    /** Messages that were not valid wire messages (not shown; the job counts them too). */
    long rejected() {
        return rejected.get();
    }

    long dropped() {
        return dropped.get();
    }

    @Override
    public void close() {
        closing = true;
        decoder.interrupt();
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
}
