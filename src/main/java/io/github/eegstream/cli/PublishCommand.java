package io.github.eegstream.cli;

import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.WireCodec;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code eeg publish ID KIND JSON}. */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {"Checks a JSON message against the wire format and publishes it, as msgpack, on one user's channel.",
            "Example: eeg publish jamie predictions '{\"type\":\"prediction\",\"data\":{\"workload\":0.85}}'"})
final class PublishCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ID", description = "User id.")
    String user;

    @Parameters(index = "1", paramLabel = "KIND", description = "raw, features, predictions, commands or alerts.")
    String kind;

    @Parameters(index = "2", paramLabel = "JSON", description = "The message, a JSON object.")
    String message;

    @Mixin
    RedisOption redis;

    @Override
    public Integer call() {
        Channel channel = Channel.of(user, ChannelKind.fromSuffix(kind));
        WireCodec codec = new WireCodec();
        byte[] json = message.getBytes(StandardCharsets.UTF_8);
        if (channel.kind() != ChannelKind.FEATURES) {
            try {
                codec.decode(channel.kind(), json); // the same checks every reader makes
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("not a valid " + channel.kind().suffix() + " message: " + e.getMessage());
            }
        }
        byte[] payload = codec.encodeMap(codec.decodeMap(json)); // every key kept, as msgpack
        io.github.eegstream.redis.RedisEndpoint endpoint = redis.endpoint();
        if (endpoint.isCluster()) {
            // Sharded pub/sub: SPUBLISH, routed to the master of the channel's slot.
            io.lettuce.core.cluster.RedisClusterClient cluster = endpoint.createClusterClient(null);
            try (var c = cluster.connect(ByteArrayCodec.INSTANCE)) {
                long receivers = c.sync().spublish(channel.name().getBytes(StandardCharsets.UTF_8), payload);
                Screen.println("published to " + channel + " (" + receivers + " subscriber" + (receivers == 1 ? "" : "s") + ")");
            } finally {
                cluster.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            }
            return 0;
        }
        RedisClient client = endpoint.createClient();
        try (StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE)) {
            long receivers = c.sync().publish(channel.name().getBytes(StandardCharsets.UTF_8), payload);
            Screen.println("published to " + channel + " (" + receivers + " subscriber" + (receivers == 1 ? "" : "s") + ")");
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
        return 0;
    }
}
