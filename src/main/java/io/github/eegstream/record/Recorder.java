package io.github.eegstream.record;

import io.github.eegstream.redis.RedisEndpoint;
import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.RawSamples;
import io.github.eegstream.wire.WireCodec;
import io.github.eegstream.wire.WireException;
import io.github.eegstream.wire.WireMessage;
import io.lettuce.core.RedisClient;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Records users' raw samples, predictions, features and alerts from Redis into one BDF+ file per
 * user (one participant per file, as EEG tools and BIDS expect). Messages go from Lettuce's I/O
 * thread to a writing thread through a bounded queue; bad messages are counted and skipped.
 */
public final class Recorder implements AutoCloseable {

    private record Received(byte[] channel, byte[] payload) {}

    private final RedisClient client;
    private final StatefulRedisPubSubConnection<byte[], byte[]> connection;
    private final Map<String, UserRecording> recordings = new LinkedHashMap<>();
    private final ArrayBlockingQueue<Received> queue = new ArrayBlockingQueue<>(100_000);
    private final WireCodec codec = new WireCodec();
    private final Thread writer;
    private final Consumer<String> screen;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private volatile boolean closing;
    private volatile IOException failure;

    /**
     * @param files where each user's recording goes
     * @param rate the rate to record at, or 0 to take each stream's own
     */
    public Recorder(RedisEndpoint endpoint, Map<String, Path> files, double rate, Consumer<String> screen) {
        this.screen = screen;
        files.forEach((user, path) -> recordings.put(user, new UserRecording(path, user, rate)));
        this.client = endpoint.createClient("eegstream-recorder");
        this.connection = client.connectPubSub(ByteArrayCodec.INSTANCE);
        connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] channel, byte[] message) {
                if (!queue.offer(new Received(channel, message))) {
                    dropped.incrementAndGet();
                }
            }
        });
        writer = new Thread(this::writeLoop, "recorder");
        writer.start();
        List<byte[]> channels = new ArrayList<>();
        for (String user : files.keySet()) {
            for (ChannelKind kind : List.of(ChannelKind.RAW, ChannelKind.PREDICTIONS, ChannelKind.FEATURES, ChannelKind.ALERTS)) {
                channels.add(Channel.of(user, kind).name().getBytes(StandardCharsets.UTF_8));
            }
        }
        connection.sync().subscribe(channels.toArray(byte[][]::new));
    }

    /** Each user's file: {@code out} itself for one user; else {@code {user}} in it, or the user before the extension. */
    public static Map<String, Path> files(Path out, List<String> users) {
        Map<String, Path> files = new LinkedHashMap<>();
        String name = out.getFileName().toString();
        for (String user : users) {
            Channel.of(user, ChannelKind.RAW); // validates the id
            String file;
            if (name.contains("{user}")) {
                file = name.replace("{user}", user);
            } else if (users.size() == 1) {
                file = name;
            } else {
                int dot = name.lastIndexOf('.');
                file = dot > 0 ? name.substring(0, dot) + "-" + user + name.substring(dot) : name + "-" + user;
            }
            files.put(user, out.resolveSibling(file));
        }
        return files;
    }

    private void writeLoop() {
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
                UserRecording recording = recordings.get(channel.userId());
                WireMessage message = channel.kind() == ChannelKind.RAW
                        ? codec.decodeRaw(r.payload()) : codec.decode(channel.kind(), r.payload());
                if (message instanceof RawSamples s) {
                    recording.add(s);
                } else {
                    recording.annotate(message);
                }
            } catch (WireException | IllegalArgumentException e) {
                if (rejected.incrementAndGet() <= 10) {
                    screen.accept("record: skipped a bad message (" + e.getMessage() + ")");
                }
            } catch (IOException e) {
                failure = e;
                screen.accept("record: cannot write: " + e.getMessage());
                return;
            }
        }
    }

    /** Why writing stopped, or null. */
    public IOException failure() {
        return failure;
    }

    /** Stops listening, writes what is queued, completes and closes the files. */
    @Override
    public void close() throws IOException {
        connection.close();
        closing = true;
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        for (UserRecording r : recordings.values()) {
            r.close();
            screen.accept("record: " + r.summary());
        }
        if (dropped.get() > 0 || rejected.get() > 0) {
            screen.accept("record: " + dropped.get() + " messages dropped (could not keep up), " + rejected.get() + " bad ones skipped");
        }
    }
}
