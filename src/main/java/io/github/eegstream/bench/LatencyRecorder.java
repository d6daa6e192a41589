package io.github.eegstream.bench;

import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.Prediction;
import io.github.eegstream.wire.WireCodec;
import io.lettuce.core.RedisClient;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Receives the predictions for a set of users, as their relays would, and records for each the
 * end-to-end latency: arrival time minus the prediction's timestamp (its window's last sample).
 */
public final class LatencyRecorder implements AutoCloseable {

    private final StatefulRedisPubSubConnection<byte[], byte[]> connection;
    private final WireCodec codec = new WireCodec();
    private final Map<String, Integer> index = new HashMap<>();
    private final long[] predictions;
    private double[] latencies = new double[1 << 16];
    private int count;
    private long lastArrivalNanos;

    public LatencyRecorder(RedisClient client, List<String> users) {
        for (int u = 0; u < users.size(); u++) {
            index.put(Channel.of(users.get(u), ChannelKind.PREDICTIONS).name(), u);
        }
        this.predictions = new long[users.size()];
        connection = client.connectPubSub(ByteArrayCodec.INSTANCE);
        connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] pattern, byte[] channel, byte[] message) {
                record(new String(channel, StandardCharsets.UTF_8), message);
            }
        });
        connection.sync().psubscribe("user:*:predictions".getBytes(StandardCharsets.UTF_8));
    }

    private synchronized void record(String channel, byte[] message) {
        double now = System.currentTimeMillis() / 1000.0;
        Integer u = index.get(channel);
        if (u == null) {
            return;
        }
        Prediction p = (Prediction) codec.decode(ChannelKind.PREDICTIONS, message);
        predictions[u]++;
        lastArrivalNanos = System.nanoTime();
        if (p.timestamp() != null) {
            if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, count * 2);
            }
            latencies[count++] = (now - p.timestamp()) * 1000;
        }
    }

    /** Forgets what was recorded so far (the warm-up). */
    public synchronized void reset() {
        java.util.Arrays.fill(predictions, 0);
        count = 0;
        lastArrivalNanos = 0;
    }

    /** Waits until no prediction arrived for {@code quietMillis}, at most {@code maxMillis}. */
    public void drain(long quietMillis, long maxMillis) throws InterruptedException {
        long deadline = System.nanoTime() + maxMillis * 1_000_000;
        while (System.nanoTime() < deadline) {
            synchronized (this) {
                if (lastArrivalNanos != 0 && System.nanoTime() - lastArrivalNanos > quietMillis * 1_000_000) {
                    return;
                }
            }
            Thread.sleep(50);
        }
    }

    public synchronized long predictions(int user) {
        return predictions[user];
    }

    public synchronized long predictions() {
        return Arrays.stream(predictions).sum();
    }

    /** Latency percentile {@code p} (0-100) in milliseconds; NaN without data. */
    public synchronized double percentile(double p) {
        if (count == 0) {
            return Double.NaN;
        }
        double[] sorted = Arrays.copyOf(latencies, count);
        Arrays.sort(sorted);
        double k = (count - 1) * p / 100;
        int f = (int) Math.floor(k);
        int c = Math.min(f + 1, count - 1);
        return sorted[f] + (sorted[c] - sorted[f]) * (k - f);
    }

    @Override
    public void close() {
        connection.close();
    }
}
