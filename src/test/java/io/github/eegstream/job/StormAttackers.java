package io.github.eegstream.job;

import io.github.eegstream.redis.RedisEndpoint;
import io.github.eegstream.testing.HostileMessages;
import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.RawSamples;
import io.github.eegstream.wire.WireCodec;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * {@link StormTest}'s attackers, in a process of their own: {@code main(token, seconds, hugePerSecond)}
 * attacks the Redis of {@code $REDIS_URL} for {@link #WARM_UP} and then that long, prints
 * {@link #STARTED} when the warm-up ends and {@link #SENT} with its totals (messages, bytes of 2 MB payloads, failures) when it ends.
 */
public final class StormAttackers {

    static final String STARTED = "storm started";
    static final String SENT = "storm sent";
    private static final double RATE = 256;
    static final Duration WARM_UP = Duration.ofSeconds(12);

    private final String token;
    private final double hugePerSecond;
    private final RedisClient client;
    private final WireCodec codec = new WireCodec();
    private final AtomicBoolean storming = new AtomicBoolean(true);
    /** During the warm-up the 2 MB payloads come at a third of their rate: a cold job falls behind less. */
    private volatile boolean warm = true;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong bigBytes = new AtomicLong();

    private StormAttackers(String token, double hugePerSecond, RedisClient client) {
        this.token = token;
        this.hugePerSecond = hugePerSecond;
        this.client = client;
    }

    public static void main(String[] args) throws Exception {
        RedisClient client = RedisEndpoint.resolve(null).createClient("storm-attackers");
        StormAttackers a = new StormAttackers(args[0], Double.parseDouble(args[2]), client);
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        threads.add(a.attacker("hostile", failures, a::hostileMessages));
        threads.add(a.attacker("clocks", failures, c -> a.clocks(c, args[0] + "-ns", args[0] + "-steps")));
        threads.add(a.attacker("flood", failures, c -> a.flood(c, args[0] + "-flood")));
        if (a.hugePerSecond > 0) {
            threads.add(a.attacker("huge", failures, a::hugePayloads));
        }
        threads.forEach(Thread::start);
        // The same storm for a while first, so that the job's JIT has compiled its paths for it (a
        // job that runs for hours is warm; a cold one reads 2 MB messages slower than Redis sends).
        Thread.sleep(WARM_UP.toMillis());
        a.warm = false;
        System.out.println(STARTED);
        System.out.flush();
        Thread.sleep(Duration.ofSeconds(Long.parseLong(args[1])).toMillis());
        a.storming.set(false);
        for (Thread t : threads) {
            t.join(10_000);
            if (t.isAlive()) {
                failures.add(new IllegalStateException(t.getName() + " did not stop"));
            }
        }
        failures.forEach(Throwable::printStackTrace);
        System.out.println(SENT + " " + a.sent.get() + " " + a.bigBytes.get() + " " + failures.size());
        System.out.flush();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    private interface Attack {
        void run(StatefulRedisConnection<byte[], byte[]> connection) throws Exception;
    }

    private Thread attacker(String name, List<Throwable> failures, Attack attack) {
        Thread t = new Thread(() -> {
            try (StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE)) {
                attack.run(c);
            } catch (Throwable e) {
                failures.add(e);
            }
        }, "storm-" + name);
        t.setDaemon(true);
        return t;
    }

    /** Publishes, keeping at most {@code window} messages in flight. */
    private void publish(StatefulRedisConnection<byte[], byte[]> c, ArrayDeque<RedisFuture<Long>> inFlight, int window,
            String channel, byte[] payload) throws Exception {
        inFlight.add(c.async().publish(channel.getBytes(StandardCharsets.UTF_8), payload));
        sent.incrementAndGet();
        while (inFlight.size() > window) {
            inFlight.poll().get();
        }
    }

    /** Paces a loop to {@code perSecond} iterations. */
    private static void pace(long startNanos, long n, double perSecond) throws InterruptedException {
        long wait = startNanos + (long) (n * 1e9 / perSecond) - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    /** Every known hostile message kind, 600 a second. */
    private void hostileMessages(StatefulRedisConnection<byte[], byte[]> c) throws Exception {
        List<Supplier<HostileMessages.Hostile>> kinds = new HostileMessages(token, new Random(11)).kinds(token + "-good0");
        ArrayDeque<RedisFuture<Long>> inFlight = new ArrayDeque<>();
        long start = System.nanoTime();
        for (long n = 0; storming.get(); n++) {
            HostileMessages.Hostile h = kinds.get((int) (n % kinds.size())).get();
            publish(c, inFlight, 64, h.channel(), h.payload());
            pace(start, n, 600);
        }
    }

    /**
     * Clocks of every kind, each at 256 Hz in 16-sample chunks: nanoseconds (converted), milliseconds,
     * a clock stepping an hour back and forth, a future outlier, and timestamps no clock makes.
     */
    private void clocks(StatefulRedisConnection<byte[], byte[]> c, String nanos, String stepper) throws Exception {
        String[] channels = {"Fp1", "Fp2", "F3", "F4", "C3", "C4", "O1", "O2"};
        ArrayDeque<RedisFuture<Long>> inFlight = new ArrayDeque<>();
        Random random = new Random(5);
        double t = System.currentTimeMillis() / 1000.0;
        long start = System.nanoTime();
        for (long n = 0; storming.get(); n++, t += 16 / RATE) {
            double[] ts = new double[16];
            double[] values = new double[16 * channels.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = 20 * random.nextGaussian();
            }
            for (int i = 0; i < 16; i++) {
                ts[i] = (t + i / RATE) * 1e9;
            }
            publish(c, inFlight, 64, Channel.of(nanos, ChannelKind.RAW).name(), json(channels, ts, values));
            for (int i = 0; i < 16; i++) {
                ts[i] = (t + i / RATE) * 1e3;
            }
            publish(c, inFlight, 64, Channel.of(token + "-ms", ChannelKind.RAW).name(), json(channels, ts, values));
            double step = (n / 16) % 2 == 0 ? 0 : -3600;
            for (int i = 0; i < 16; i++) {
                ts[i] = t + step + i / RATE;
            }
            publish(c, inFlight, 64, Channel.of(stepper, ChannelKind.RAW).name(), chunk(channels, ts, values));
            for (int i = 0; i < 16; i++) {
                ts[i] = t + i / RATE + (n % 64 == 0 && i == 8 ? 86_400 : 0);
            }
            publish(c, inFlight, 64, Channel.of(token + "-future", ChannelKind.RAW).name(), chunk(channels, ts, values));
            double[] impossible = {1e300, Double.MAX_VALUE, 1e19, -1, -1e300, 1e-300, 0, Double.MIN_VALUE};
            String weird = "{\"type\":\"raw\",\"timestamp\":" + impossible[(int) (n % impossible.length)]
                    + ",\"channels\":{\"Fp1\":1.0}}";
            publish(c, inFlight, 64, Channel.of(token + "-weird", ChannelKind.RAW).name(),
                    weird.getBytes(StandardCharsets.UTF_8));
            pace(start, n, RATE / 16);
        }
    }

    /** Valid 16-sample chunks at a hundred times the rate they claim (a replay at --speed 100). */
    private void flood(StatefulRedisConnection<byte[], byte[]> c, String flooder) throws Exception {
        String[] channels = {"Fp1", "Fp2", "F3", "F4", "C3", "C4", "O1", "O2"};
        ArrayDeque<RedisFuture<Long>> inFlight = new ArrayDeque<>();
        double t = System.currentTimeMillis() / 1000.0;
        long start = System.nanoTime();
        Random random = new Random(3);
        for (long n = 0; storming.get(); n++, t += 16 / RATE) {
            double[] ts = new double[16];
            double[] values = new double[16 * channels.length];
            for (int i = 0; i < 16; i++) {
                ts[i] = t + i / RATE;
            }
            for (int i = 0; i < values.length; i++) {
                values[i] = 20 * random.nextGaussian();
            }
            publish(c, inFlight, 256, Channel.of(flooder, ChannelKind.RAW).name(), chunk(channels, ts, values));
            pace(start, n, 100 * RATE / 16);
        }
    }

    /**
     * 2 MB payloads at the full rate of a relay's gigabit link (60 a second, 126 MB/s): noise, and
     * valid chunks of 14,000 samples. (Faster than the job's subscriber can read, on one host, Redis
     * itself disconnects the subscriber: see docs/security.md.)
     */
    private void hugePayloads(StatefulRedisConnection<byte[], byte[]> c) throws Exception {
        Random random = new Random(2);
        byte[] noise = new byte[2 << 20];
        random.nextBytes(noise);
        noise[0] = (byte) 0xc1;
        int n = 14_000;
        String[] channels = new String[16];
        for (int i = 0; i < channels.length; i++) {
            channels[i] = "E" + i;
        }
        double[] ts = new double[n];
        double t0 = System.currentTimeMillis() / 1000.0;
        for (int i = 0; i < n; i++) {
            ts[i] = t0 + i / RATE;
        }
        double[] values = new double[n * channels.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = 20 * random.nextGaussian();
        }
        byte[] valid = codec.encode(new RawSamples(channels, ts, values, 0)); // explicit timestamps: about 2 MB
        String noiseChannel = Channel.of(token + "-huge", ChannelKind.RAW).name();
        String validChannel = Channel.of(token + "-hugechunks", ChannelKind.RAW).name();
        ArrayDeque<RedisFuture<Long>> inFlight = new ArrayDeque<>();
        long start = System.nanoTime();
        long k0 = 0;
        for (long k = 0; storming.get(); k++) {
            byte[] payload = k % 2 == 0 ? noise : valid;
            publish(c, inFlight, 4, k % 2 == 0 ? noiseChannel : validChannel, payload);
            bigBytes.addAndGet(payload.length);
            if (warm) {
                pace(start, k, hugePerSecond / 3);
            } else {
                if (start > 0) { // from the end of the warm-up on, at the full rate
                    start = -System.nanoTime();
                    k0 = k;
                }
                pace(-start, k - k0, hugePerSecond);
            }
        }
        while (!inFlight.isEmpty()) {
            inFlight.poll().get();
        }
    }

    private byte[] chunk(String[] channels, double[] ts, double[] values) {
        return codec.encode(new RawSamples(channels, ts.clone(), values, RATE));
    }

    /** A chunk in JSON, so that its timestamps reach the job exactly as the device made them. */
    private static byte[] json(String[] channels, double[] ts, double[] values) {
        StringBuilder b = new StringBuilder("{\"type\":\"raw_chunk\",\"rate\":256,\"channels\":[");
        for (int i = 0; i < channels.length; i++) {
            b.append(i == 0 ? "" : ",").append('"').append(channels[i]).append('"');
        }
        b.append("],\"timestamps\":[");
        for (int i = 0; i < ts.length; i++) {
            b.append(i == 0 ? "" : ",").append(ts[i]);
        }
        b.append("],\"samples\":[");
        for (int s = 0; s < ts.length; s++) {
            b.append(s == 0 ? "[" : ",[");
            for (int ch = 0; ch < channels.length; ch++) {
                b.append(ch == 0 ? "" : ",").append(values[s * channels.length + ch]);
            }
            b.append(']');
        }
        return b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }
}
