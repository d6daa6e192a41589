package io.github.eegstream.cli;

import io.github.eegstream.relay.MessageLines;
import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.WireCodec;
import io.lettuce.core.RedisClient;
import io.github.eegstream.redis.MessageFeed;
import io.github.eegstream.wire.WireMessage;
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
        io.github.eegstream.redis.RedisEndpoint endpoint = redis.endpoint();
        RedisClient client = endpoint.isCluster() ? null : endpoint.createClient();
        MessageFeed.Handler show = new MessageFeed.Handler() {
            @Override
            public void accept(Channel ch, WireMessage message) {}

            @Override
            public void deliver(MessageFeed.Delivery d) {
                if (count != null && seen.get() >= count) {
                    return; // what was queued when the count was reached
                }
                if (json || channel.kind() == ChannelKind.FEATURES) {
                    Screen.println(codec.toJson(d.payload())); // as it came, every field
                } else {
                    Screen.println(MessageLines.format(user, d.message(), d.receivedMillis()));
                }
                if (count != null && seen.incrementAndGet() >= count) {
                    done.countDown();
                }
            }
        };
        MessageFeed.RejectHandler bad = (ch, e) -> System.err.println("ignored a bad message on " + ch + " ("
                + e.reason().metricName() + ": " + e.getMessage() + ")");
        // On a Redis Cluster: SSUBSCRIBE at the channel's master, followed through failovers.
        try (MessageFeed feed = client == null
                ? MessageFeed.ofShardChannels(endpoint, null, "eegstream-subscribe", 10_000, java.util.List.of(channel), show, bad)
                : MessageFeed.ofChannels(client, "eegstream-subscribe", 10_000, java.util.List.of(channel), show, bad)) {
            System.err.println("Subscribed to " + channel + " at " + redis.endpoint() + "; Ctrl-C stops");
            Runtime.getRuntime().addShutdownHook(new Thread(done::countDown));
            done.await();
        } finally {
            if (client != null) {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            }
        }
        return 0;
    }

}
