package io.github.eegstream.testing;

import io.github.eegstream.connector.redis.ShardedSubscriber;
import io.github.eegstream.redis.ClusterLoad;
import io.github.eegstream.redis.RedisEndpoint;
import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.RawSamples;
import io.github.eegstream.wire.WireCodec;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.cluster.RedisClusterClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A measurement, not a test (docs/scaling.md): a local 3 + 3 cluster, USERS raw channels each
 * with one sharded subscriber, SPUBLISHed as fast as one pipelined connection goes with
 * 32-sample, 8-channel chunks for SECONDS; prints messages/s, samples/s, and each node's CPU
 * and egress (ClusterLoad).
 *
 * <p>{@code ./mvnw -q test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.github.eegstream.testing.ClusterCapacityProbe -Dexec.args="1000 15"}
 */
public final class ClusterCapacityProbe {

    public static void main(String[] args) throws Exception {
        int users = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        try (TestRedisCluster cluster = TestRedisCluster.start()) {
            RedisEndpoint endpoint = cluster.endpoint();
            List<String> channels = new ArrayList<>();
            for (int u = 0; u < users; u++) {
                channels.add(Channel.of("probe-" + u, ChannelKind.RAW).name());
            }
            AtomicLong received = new AtomicLong();
            try (ShardedSubscriber<byte[]> sub = new ShardedSubscriber<>(endpoint, null, "probe", ByteArrayCodec.INSTANCE,
                    (c, m) -> received.incrementAndGet())) {
                if (!sub.subscribeAndWait(channels, Duration.ofSeconds(60))) {
                    throw new AssertionError("not subscribed");
                }
                String[] names = new String[8];
                for (int i = 0; i < 8; i++) {
                    names[i] = "C" + i;
                }
                double[] t = new double[32];
                double[] v = new double[32 * 8];
                for (int i = 0; i < 32; i++) {
                    t[i] = 1.7e9 + i / 256.0;
                    for (int c = 0; c < 8; c++) {
                        v[i * 8 + c] = Math.sin(i + c) * 20;
                    }
                }
                byte[] payload = new WireCodec().encode(new RawSamples(names, t, v, 256.0));
                byte[][] keys = channels.stream().map(c -> c.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
                RedisClusterClient client = endpoint.createClusterClient("probe-publisher");
                try (var c = client.connect(ByteArrayCodec.INSTANCE)) {
                    c.setAutoFlushCommands(false);
                    var before = ClusterLoad.snapshot(endpoint);
                    long start = System.nanoTime();
                    long sent = 0;
                    List<io.lettuce.core.RedisFuture<Long>> batch = new ArrayList<>();
                    while (System.nanoTime() - start < seconds * 1_000_000_000L) {
                        for (int i = 0; i < 512; i++) {
                            batch.add(c.async().spublish(keys[(int) (sent++ % users)], payload));
                        }
                        c.flushCommands();
                        batch.get(batch.size() - 1).get();
                        batch.clear();
                    }
                    double elapsed = (System.nanoTime() - start) / 1e9;
                    var load = ClusterLoad.between(before, ClusterLoad.snapshot(endpoint));
                    Thread.sleep(500);
                    System.out.printf("%d channels, %d-byte messages: %.0f SPUBLISH/s (%.0f samples/s), %d received (%.4f per sent)%n",
                            users, payload.length, sent / elapsed, sent * 32 / elapsed, received.get(), received.get() / (double) sent);
                    load.forEach(l -> System.out.println(l.line()));
                } finally {
                    client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
                }
            }
        }
    }
}
