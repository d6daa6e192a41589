package io.github.eegstream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.relay.Relay;
import io.github.eegstream.relay.SimulatedSource;
import io.github.eegstream.testing.ChannelRecorder;
import io.github.eegstream.testing.HostileMessages;
import io.github.eegstream.testing.JobProcess;
import io.github.eegstream.testing.TestRedis;
import io.github.eegstream.wire.Alert;
import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.Prediction;
import io.github.eegstream.wire.RawSamples;
import io.github.eegstream.wire.WireCodec;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Thirty seconds of everything a buggy device, a careless colleague and an attacker can send, at
 * a job in a process of its own, while three good users stream: hostile messages, timestamps too
 * large and too small, nanosecond and millisecond clocks, clock steps, a future outlier, a user
 * flooding at a hundred times its rate, and 2 MB payloads as fast as Redis takes them. Every good
 * user gets predictions in every second, with p99 latency within 50 ms; the job's memory stays
 * under its bound; it stays RUNNING; and a user who starts afterwards is predicted within 5 s.
 */
class StormTest {

    /** The job's stated bound: a TaskManager's default process size (conf/config.yaml, 1728m). */
    static final long MEMORY_BOUND_BYTES = 1728L << 20;
    private static final Duration STORM = Duration.ofSeconds(30);
    private static final double RATE = 256;

    private final String token = TestRedis.uniqueUser("storm30");
    private final WireCodec codec = new WireCodec();
    private final AtomicBoolean storming = new AtomicBoolean(true);
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong bigBytes = new AtomicLong();

    @Test
    void goodUsersAreUnharmedByThirtySecondsOfClocksFloodsAndHugePayloads() throws Exception {
        List<String> good = List.of(token + "-good0", token + "-good1", token + "-good2");
        String nanos = token + "-ns";
        String stepper = token + "-steps";
        String flooder = token + "-flood";
        Channel[] watched = {
            Channel.of(good.get(0), ChannelKind.PREDICTIONS), Channel.of(good.get(1), ChannelKind.PREDICTIONS),
            Channel.of(good.get(2), ChannelKind.PREDICTIONS), Channel.of(nanos, ChannelKind.PREDICTIONS),
            Channel.of(stepper, ChannelKind.ALERTS), Channel.of(flooder, ChannelKind.ALERTS),
            Channel.of(good.get(0), ChannelKind.ALERTS)
        };
        List<Relay> relays = new ArrayList<>();
        List<Thread> attackers = new ArrayList<>();
        List<Throwable> attackerFailures = new CopyOnWriteArrayList<>();
        try (JobProcess job = JobProcess.start("default", Duration.ofSeconds(90));
                ChannelRecorder recorder = new ChannelRecorder(watched)) {
            for (int i = 0; i < good.size(); i++) {
                relays.add(new Relay(new Relay.Options(good.get(i), 16, null), new SimulatedSource(8, RATE, i),
                        TestRedis.client(), line -> { }).start());
            }
            for (Channel c : Arrays.copyOf(watched, 3)) {
                assertTrue(recorder.<Prediction>await(c, l -> l.size() >= 2, Duration.ofSeconds(30)), "before: " + c);
            }
            long stormStart = System.currentTimeMillis();
            attackers.add(attacker("hostile", attackerFailures, this::hostileMessages));
            attackers.add(attacker("clocks", attackerFailures, c -> clocks(c, nanos, stepper)));
            attackers.add(attacker("flood", attackerFailures, c -> flood(c, flooder)));
            attackers.add(attacker("huge", attackerFailures, this::hugePayloads));
            attackers.forEach(Thread::start);
            Thread.sleep(STORM.toMillis());
            storming.set(false);
            for (Thread t : attackers) {
                t.join(10_000);
                assertTrue(!t.isAlive(), t.getName() + " did not stop");
            }
            long stormEnd = System.currentTimeMillis();
            long peak = job.peakResidentBytes();
            String state = job.jobState();
            System.err.printf("storm: %d messages, %.0f MB of 2 MB payloads; job peak resident %d MB (bound %d MB)%n",
                    sent.get(), bigBytes.get() / 1e6, peak >> 20, MEMORY_BOUND_BYTES >> 20);
            assertTrue(attackerFailures.isEmpty(), "attackers failed: " + attackerFailures);
            assertEquals("RUNNING", state, "the job survives the storm");
            assertTrue(bigBytes.get() > 1_000_000_000L, "a storm of 2 MB payloads: " + bigBytes.get() + " bytes");

            for (Channel c : Arrays.copyOf(watched, 3)) {
                List<Prediction> seen = recorder.received(c);
                List<Long> arrived = recorder.arrivals(c);
                List<Long> latencies = new ArrayList<>();
                int[] second = new int[(int) ((stormEnd - stormStart) / 1000)];
                for (int i = 0; i < Math.min(seen.size(), arrived.size()); i++) {
                    long at = arrived.get(i);
                    if (at >= stormStart && at < stormEnd) {
                        latencies.add(at - Math.round(seen.get(i).timestamp() * 1000));
                        int s = (int) ((at - stormStart) / 1000);
                        if (s < second.length) {
                            second[s]++;
                        }
                    }
                }
                System.err.println("storm: " + c + " predictions per second: " + Arrays.toString(second));
                for (int s = 0; s < second.length; s++) {
                    assertTrue(second[s] > 0, c + " had no prediction in second " + s + " of the storm: "
                            + Arrays.toString(second) + "\n" + tail(job.output()));
                }
                latencies.sort(null);
                long p99 = latencies.get((int) Math.ceil(latencies.size() * 0.99) - 1);
                System.err.printf("storm: %s: %d predictions, p50 %d ms, p99 %d ms, max %d ms%n", c, latencies.size(),
                        latencies.get(latencies.size() / 2), p99, latencies.get(latencies.size() - 1));
                assertTrue(p99 <= 50, c + ": p99 latency " + p99 + " ms during the storm");
            }
            assertTrue(peak < MEMORY_BOUND_BYTES, "the job's peak resident memory " + (peak >> 20) + " MB");

            // The nanosecond clock is converted: that user is predicted like any other.
            List<Prediction> converted = recorder.received(watched[3]);
            assertTrue(converted.size() >= 10, "the nanosecond user gets predictions: " + converted.size());
            assertTrue(Math.abs(converted.get(converted.size() - 1).timestamp() - System.currentTimeMillis() / 1000.0) < 60,
                    "in seconds");
            List<Alert> steps = recorder.received(watched[4]);
            assertTrue(steps.stream().anyMatch(a -> a.alertType().equals("clock_jump") && a.state().equals("raised")),
                    "the stepping clock is alerted: " + steps);
            List<Alert> flood = recorder.received(watched[5]);
            assertEquals(1, flood.stream().filter(a -> a.alertType().equals("rate_exceeded")
                    && a.state().equals("raised")).count(), "the flood is alerted once: " + flood);
            assertTrue(recorder.received(watched[6]).isEmpty(), "a good user has nothing to be alerted about: "
                    + recorder.received(watched[6]));

            // A user who starts after the storm is predicted within 5 s (a first window takes 2 s).
            String late = token + "-late";
            Channel latePredictions = Channel.of(late, ChannelKind.PREDICTIONS);
            try (ChannelRecorder lateRecorder = new ChannelRecorder(latePredictions);
                    Relay relay = new Relay(new Relay.Options(late, 16, null), new SimulatedSource(8, RATE, 9),
                            TestRedis.client(), line -> { }).start()) {
                long started = System.nanoTime();
                assertTrue(lateRecorder.await(latePredictions, l -> !l.isEmpty(), Duration.ofSeconds(5)),
                        "a user who starts after the storm is predicted within 5 s");
                System.err.printf("storm: a new user's first prediction after %d ms%n",
                        (System.nanoTime() - started) / 1_000_000);
            }
            assertEquals("RUNNING", job.jobState());
        } finally {
            storming.set(false);
            relays.forEach(Relay::close);
        }
    }

    private static String tail(String log) {
        return log.substring(Math.max(0, log.length() - 6000));
    }

    private interface Attack {
        void run(StatefulRedisConnection<byte[], byte[]> connection) throws Exception;
    }

    private Thread attacker(String name, List<Throwable> failures, Attack attack) {
        Thread t = new Thread(() -> {
            try (StatefulRedisConnection<byte[], byte[]> c = TestRedis.client().connect(ByteArrayCodec.INSTANCE)) {
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

    /** 2 MB payloads as fast as Redis takes them: noise, and valid chunks of 14,000 samples. */
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
        for (long k = 0; storming.get(); k++) {
            byte[] payload = k % 2 == 0 ? noise : valid;
            publish(c, inFlight, 4, k % 2 == 0 ? noiseChannel : validChannel, payload);
            bigBytes.addAndGet(payload.length);
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
