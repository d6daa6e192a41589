package io.github.eegstream.cli;

import io.github.eegstream.relay.MessageLines;
import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.WireCodec;
import io.github.eegstream.wire.WireException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code eeg subscribe ID KIND}: the seed's subscribe_to_stream.py. */
@Command(name = "subscribe", mixinStandardHelpOptions = true,
        description = "Prints the messages on one user's channel as they arrive, one line each.")
final class SubscribeCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ID", description = "User id.")
    String user;

    @Parameters(index = "1", paramLabel = "KIND", description = "raw, features, predictions, commands or alerts.")
    String kind;

    @Option(names = "--json", description = "Print each message as one JSON object per line.")
    boolean json;

    @Option(names = "--count", paramLabel = "N", description = "Exit after N messages.")
    Long count;

    @Mixin
    RedisOption redis;

    @Override
    public Integer call() throws Exception {
        Channel channel = Channel.of(user, ChannelKind.fromSuffix(kind));
        WireCodec codec = new WireCodec();
        CountDownLatch done = new CountDownLatch(1);
        AtomicLong seen = new AtomicLong();
        RedisClient client = redis.endpoint().createClient();
        try (StatefulRedisPubSubConnection<byte[], byte[]> connection = client.connectPubSub(ByteArrayCodec.INSTANCE)) {
            connection.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(byte[] ch, byte[] payload) {
                    print(codec, channel, payload);
                    if (count != null && seen.incrementAndGet() >= count) {
                        done.countDown();
                    }
                }
            });
            connection.sync().subscribe(channel.name().getBytes(StandardCharsets.UTF_8));
            System.err.println("Subscribed to " + channel + " at " + redis.endpoint() + "; Ctrl-C stops");
            Runtime.getRuntime().addShutdownHook(new Thread(done::countDown));
            done.await();
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
        return 0;
    }

    private void print(WireCodec codec, Channel channel, byte[] payload) {
        try {
            if (json || channel.kind() == ChannelKind.FEATURES) {
                Screen.println(codec.toJson(payload));
            } else {
                Screen.println(MessageLines.format(user, codec.decode(channel.kind(), payload), System.currentTimeMillis()));
            }
        } catch (WireException e) {
            System.err.println("ignored a bad message on " + channel + " (" + e.reason().metricName() + ": " + e.getMessage() + ")");
        }
    }
}
