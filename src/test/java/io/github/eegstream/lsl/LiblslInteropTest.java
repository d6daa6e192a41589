package io.github.eegstream.lsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.relay.LslSource;
import io.github.eegstream.relay.Relay;
import io.github.eegstream.testing.ChannelRecorder;
import io.github.eegstream.testing.TestRedis;
import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.RawSamples;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our LSL code against a real liblsl (src/test/c/lsl_harness.c, built by
 * src/test/c/build-liblsl-harness.sh, which .ci/run calls). Skipped where it could not be built.
 */
class LiblslInteropTest {

    private static final Path HARNESS = Path.of("target", "liblsl-harness", "lsl_harness");

    @BeforeAll
    static void needsTheHarness() {
        assertTrue(Files.isExecutable(HARNESS), "the liblsl harness (bash src/test/c/build-liblsl-harness.sh)");
    }

    @Test
    void aLiblslInletReceivesOurOutletsSamples() throws Exception {
        String id = "liblsl-inlet-" + UUID.randomUUID().toString().substring(0, 8);
        try (LslOutlet outlet = new LslOutlet("OurEEG", "EEG", id, ChannelFormat.DOUBLE64,
                List.of("Fp1", "Fp2", "F3", "F4", "C3", "C4", "P3", "P4"), "microvolts", 256)) {
            Process inlet = harness("inlet", id, "512");
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (outlet.clients() < 1 && System.nanoTime() < deadline && inlet.isAlive()) {
                Thread.sleep(10);
            }
            assertEquals(1, outlet.clients(), "liblsl found our outlet and opened its stream");
            double t0 = LslClock.now();
            for (int i = 0; i < 600; i++) {
                outlet.push(value(ChannelFormat.DOUBLE64, i), t0 + i / 256.0);
            }
            assertTrue(inlet.waitFor(30, TimeUnit.SECONDS));
            String out = new String(inlet.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, inlet.exitValue(), out);
            assertTrue(out.contains("received 512 samples, all exact"), out);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"float32", "double64", "int32", "int16", "int8", "int64"})
    void theRelayPublishesEverySampleOfALiblslOutletExactly(String format) throws Exception {
        ChannelFormat fmt = ChannelFormat.parse(format);
        String id = "liblsl-outlet-" + UUID.randomUUID().toString().substring(0, 8);
        String user = TestRedis.uniqueUser("liblsl-" + format);
        Channel raw = Channel.of(user, ChannelKind.RAW);
        List<String> screen = new CopyOnWriteArrayList<>();
        Process outlet = harness("outlet", format, id, "2", "0");
        try (ChannelRecorder recorder = new ChannelRecorder(raw)) {
            awaitLine(outlet, "outlet ready");
            LslSource source = new LslSource("source_id='" + id + "'", new LslResolver(), Duration.ofSeconds(10), screen::add);
            assertEquals(List.of("Fp1", "Fp2", "F3", "F4", "C3", "C4", "P3", "P4"), List.of(source.channels()));
            try (Relay relay = new Relay(new Relay.Options(user, 1, null), source, TestRedis.client(), screen::add).start()) {
                assertTrue(recorder.await(raw, l -> l.size() >= 512, Duration.ofSeconds(20)), screen.toString());
                assertExact(fmt, recorder.received(raw), 0, 512);
                assertTrue(Math.abs(source.timeCorrection()) < 0.005, "same host: correction " + source.timeCorrection());

                if (fmt == ChannelFormat.FLOAT32) { // the outlet restarts with the same source_id
                    assertTrue(outlet.waitFor(10, TimeUnit.SECONDS));
                    Process second = harness("outlet", format, id, "2", "512");
                    try {
                        assertTrue(recorder.await(raw, l -> l.size() >= 1024, Duration.ofSeconds(30)), screen.toString());
                        assertExact(fmt, recorder.received(raw), 0, 1024);
                        assertTrue(screen.stream().anyMatch(l -> l.contains("lost")), screen.toString());
                        assertTrue(screen.stream().anyMatch(l -> l.contains("found again")), screen.toString());
                        assertTrue(screen.stream().anyMatch(l -> l.contains("were not received")), screen.toString());
                    } finally {
                        second.destroy();
                    }
                }
            }
        } finally {
            outlet.destroy();
        }
    }

    private static void assertExact(ChannelFormat fmt, List<RawSamples> messages, int from, int n) {
        assertEquals(n, messages.size(), "every sample once");
        for (int i = from; i < from + n; i++) {
            double[] expected = value(fmt, i);
            for (int c = 0; c < 8; c++) {
                assertEquals(expected[c], messages.get(i).value(0, c), fmt + " sample " + i + " channel " + c);
            }
        }
    }

    static double[] value(ChannelFormat fmt, int i) {
        double[] v = new double[8];
        for (int c = 0; c < 8; c++) {
            v[c] = fmt == ChannelFormat.INT8 ? ((c * 13 + i) % 200) - 100 : c * 1000 + (i % 1000);
        }
        return v;
    }

    private static Process harness(String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of(HARNESS.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static void awaitLine(Process p, String line) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (String l = r.readLine(); l != null; l = r.readLine()) {
            if (l.contains(line)) {
                return;
            }
        }
        throw new AssertionError("the harness ended before '" + line + "'");
    }
}
