package io.github.eegstream.bench;

import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.Prediction;
import io.github.eegstream.redis.MessageFeed;
import io.github.eegstream.wire.WireMessage;
import io.lettuce.core.RedisClient;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Receives the predictions for a set of users, as their relays would, and records for each the
 * end-to-end latency: arrival time minus the prediction's timestamp (its window's last sample).
 * Latencies go into an HdrHistogram of microseconds (3 significant digits, up to an hour): its
 * percentiles are exact within that precision whatever the count, in constant memory. The arrival
 * time has the millisecond resolution of {@link MessageFeed.Delivery#receivedMillis}.
 */
public final class LatencyRecorder implements AutoCloseable {

    private final MessageFeed feed;
    private final Map<String, Integer> index = new HashMap<>();
    private final long[] predictions;
    private final Histogram latencies = new Histogram(3_600_000_000L, 3);
    private long lastArrivalNanos;
    /** Per user, predictions of windows ending before this (Unix seconds) belong to the warm-up; none is counted before it is set. */
    private double[] measuredFrom;

    public LatencyRecorder(RedisClient client, List<String> users) {
        this(client, null, users);
    }

    /** On a Redis Cluster, where the feed finds the users in the registry and subscribes at each channel's master. */
    public LatencyRecorder(io.github.eegstream.redis.RedisEndpoint cluster, List<String> users) {
        this(null, cluster, users);
    }

    private LatencyRecorder(RedisClient client, io.github.eegstream.redis.RedisEndpoint cluster, List<String> users) {
        for (int u = 0; u < users.size(); u++) {
            index.put(Channel.of(users.get(u), ChannelKind.PREDICTIONS).name(), u);
        }
        this.predictions = new long[users.size()];
        MessageFeed.Handler handler = handler();
        // Decoded off Lettuce's thread; the arrival time is taken on it, as the message came.
        feed = client != null
                ? MessageFeed.ofAllUsers(client, "eegstream-bench-latency", 1 << 20, List.of(ChannelKind.PREDICTIONS), handler,
                        (channel, e) -> { })
                : MessageFeed.ofAllUsers(cluster, "eegstream-bench-latency", 1 << 20, List.of(ChannelKind.PREDICTIONS), handler);
    }

    private MessageFeed.Handler handler() {
        return new MessageFeed.Handler() {
                    @Override
                    public void accept(Channel channel, WireMessage message) {}

                    @Override
                    public void deliver(MessageFeed.Delivery d) {
                        if (d.message() instanceof Prediction p) {
                            record(d.channel().name(), p, d.receivedMillis());
                        }
                    }
                };
    }

    private synchronized void record(String channel, Prediction p, long receivedMillis) {
        Integer u = index.get(channel);
        if (u == null) {
            return;
        }
        if (measuredFrom == null || p.timestamp() == null || p.timestamp() < measuredFrom[u]) {
            return; // the warm-up's: neither the measured part's latency nor one of its windows
        }
        if (Boolean.TRUE.equals(p.partial())) {
            return; // the partial window flushed when a stream ends: not one of the windows expected
        }
        predictions[u]++;
        lastArrivalNanos = System.nanoTime();
        // Clocks of one host: a negative latency is the millisecond rounding of the arrival time.
        latencies.recordValue(Math.max(0, Math.round(receivedMillis * 1000.0 - p.timestamp() * 1e6)));
    }

    /**
     * From now on counts, per user, the predictions of windows that end at or after
     * {@code from[u]} (Unix seconds), and forgets any counted before: the warm-up's last windows
     * arrive after the measured part started, and must count neither as its windows (hiding
     * loss) nor in its latency.
     */
    public synchronized void measureFrom(double[] from) {
        if (from.length != predictions.length) {
            throw new IllegalArgumentException(from.length + " times for " + predictions.length + " users");
        }
        this.measuredFrom = from.clone();
        java.util.Arrays.fill(predictions, 0);
        latencies.reset();
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

    /** The latency percentiles so far, in milliseconds (NaN without data). */
    public synchronized BenchResult.Latency latency() {
        return BenchResult.Latency.ofMicros(latencies);
    }

    @Override
    public void close() {
        feed.close();
    }
}
