package io.github.eegstream.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.lsl.ChannelFormat;
import io.github.eegstream.lsl.LslClock;
import io.github.eegstream.lsl.LslOutlet;
import io.github.eegstream.lsl.LslResolver;
import io.github.eegstream.testing.ChannelRecorder;
import io.github.eegstream.testing.TestRedis;
import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.RawSamples;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** An LSL outlet through the relay to Redis: every sample, exact, in order, in Unix time. */
class LslRelayTest {

    @Test
    void everySampleReachesRedisExactlyAndInOrder() throws Exception {
        String id = "relay-" + UUID.randomUUID().toString().substring(0, 8);
        String user = TestRedis.uniqueUser("lsl");
        Channel raw = Channel.of(user, ChannelKind.RAW);
        List<String> screen = new CopyOnWriteArrayList<>();
        List<String> labels = List.of("Fp1", "Fp2", "F3", "F4", "C3", "C4", "P3", "P4");
        int n = 1000;
        try (LslOutlet outlet = new LslOutlet("RelayEEG", "EEG", id, ChannelFormat.DOUBLE64, labels, "microvolts", 256);
                ChannelRecorder recorder = new ChannelRecorder(raw)) {
            LslSource source = new LslSource("source_id='" + id + "'", new LslResolver(), Duration.ofSeconds(3), screen::add);
            try (Relay relay = new Relay(new Relay.Options(user, 1, null), source, TestRedis.client(), screen::add).start()) {
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (outlet.clients() < 1 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                double t0 = LslClock.now();
                for (int i = 0; i < n; i++) {
                    double[] v = new double[8];
                    for (int c = 0; c < 8; c++) {
                        v[c] = c * 1000 + (i % 1000) + 0.123456789; // double64 values survive exactly
                    }
                    outlet.push(v, t0 + i / 256.0);
                    if (i % 32 == 31) {
                        Thread.sleep(5);
                    }
                }
                assertTrue(recorder.await(raw, l -> l.size() >= n, Duration.ofSeconds(20)), "all " + n + " samples published");
            }
            List<RawSamples> messages = recorder.received(raw);
            assertEquals(n, messages.size(), "one message per sample, none twice");
            double unix = System.currentTimeMillis() / 1000.0;
            for (int i = 0; i < n; i++) {
                RawSamples m = messages.get(i);
                assertArrayEquals(labels.toArray(), m.channels());
                for (int c = 0; c < 8; c++) {
                    assertEquals(c * 1000 + (i % 1000) + 0.123456789, m.value(0, c), "sample " + i + " channel " + c);
                }
                if (i > 0) {
                    assertEquals(1 / 256.0, m.timestamps()[0] - messages.get(i - 1).timestamps()[0], 1e-9, "spacing " + i);
                }
            }
            assertTrue(Math.abs(messages.get(n - 1).timestamps()[0] - unix) < 10, "published in Unix time");
        }
    }
}
