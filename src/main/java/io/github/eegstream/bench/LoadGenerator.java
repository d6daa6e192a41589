package io.github.eegstream.bench;

import io.github.eegstream.sim.SimulatedEeg;
import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.RawSamples;
import io.github.eegstream.wire.WireCodec;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many simulated relays in one thread: each user publishes {@code rate} samples per second, one
 * message per sample or in chunks, paced by the clock. Users start evenly staggered over one second,
 * as real users connect at random times: their messages, and so their windows, do not come in
 * lockstep whatever the window's hop. Sample {@code i} of a user is stamped with the
 * wall-clock time it became due, so latency counts from when the sample existed.
 */
public final class LoadGenerator implements AutoCloseable {

    private static final long TICK_NANOS = 1_000_000;
    private static final int MAX_IN_FLIGHT = 100_000;

    private final List<String> users;
    private final double rate;
    private final int chunk;
    private final String[] channels;
    private final double[][] table;
    private final WireCodec codec = new WireCodec();
    private final List<StatefulRedisConnection<byte[], byte[]>> connections = new ArrayList<>();
    private final AtomicLong inFlight = new AtomicLong();
    private final long[] published;

    public LoadGenerator(RedisClient client, List<String> users, double rate, int channelCount, int chunk, int connectionCount) {
        this.users = List.copyOf(users);
        this.rate = rate;
        this.chunk = chunk;
        SimulatedEeg eeg = new SimulatedEeg(channelCount, rate, 7);
        this.channels = eeg.channels();
        this.table = new double[1024][channelCount];
        for (double[] row : table) {
            eeg.next(row);
        }
        this.published = new long[users.size()];
        for (int c = 0; c < connectionCount; c++) {
            StatefulRedisConnection<byte[], byte[]> conn = client.connect(ByteArrayCodec.INSTANCE);
            conn.setAutoFlushCommands(false);
            connections.add(conn);
        }
    }

    /** Publishes for {@code duration}, then returns. */
    public void run(Duration duration) throws InterruptedException {
        double startWall = System.currentTimeMillis() / 1000.0;
        long startNanos = System.nanoTime();
        long end = startNanos + duration.toNanos();
        int n = users.size();
        double window = 1.0;
        byte[][] channelNames = new byte[n][];
        for (int u = 0; u < n; u++) {
            channelNames[u] = Channel.of(users.get(u), ChannelKind.RAW).name().getBytes(StandardCharsets.UTF_8);
        }
        for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
            double elapsed = (now - startNanos) / 1e9;
            for (int u = 0; u < n; u++) {
                double offset = window * u / n; // staggered start
                if (elapsed < offset) {
                    continue;
                }
                long due = (long) Math.floor((elapsed - offset) * rate) + 1;
                RedisAsyncCommands<byte[], byte[]> out = connections.get(u % connections.size()).async();
                while (published[u] + chunk <= due) {
                    out.publish(channelNames[u], codec.encode(message(u, published[u], startWall + offset)))
                            .whenComplete((r, e) -> inFlight.decrementAndGet());
                    inFlight.incrementAndGet();
                    published[u] += chunk;
                }
            }
            for (StatefulRedisConnection<byte[], byte[]> c : connections) {
                c.flushCommands();
            }
            while (inFlight.get() > MAX_IN_FLIGHT) {
                Thread.onSpinWait();
            }
            long next = now + TICK_NANOS - System.nanoTime();
            if (next > 0) {
                Thread.sleep(next / 1_000_000, (int) (next % 1_000_000));
            }
        }
        while (inFlight.get() > 0) {
            Thread.sleep(1);
        }
    }

    private RawSamples message(int user, long first, double start) {
        int w = channels.length;
        double[] ts = new double[chunk];
        double[] values = new double[chunk * w];
        for (int s = 0; s < chunk; s++) {
            long i = first + s;
            ts[s] = start + i / rate;
            System.arraycopy(table[(int) ((i + user * 37L) % table.length)], 0, values, s * w, w);
        }
        return chunk == 1 ? RawSamples.single(ts[0], channels, values) : new RawSamples(channels, ts, values, rate);
    }

    /** Samples published for user {@code u}. */
    public long samplesPublished(int u) {
        return published[u];
    }

    @Override
    public void close() {
        connections.forEach(StatefulRedisConnection::close);
    }
}
