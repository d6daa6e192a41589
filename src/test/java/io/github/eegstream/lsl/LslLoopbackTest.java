package io.github.eegstream.lsl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eegstream.relay.LslSource;
import io.github.eegstream.wire.RawSamples;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Discovery and streaming between our resolver and inlet and our outlet, over loopback. */
class LslLoopbackTest {

    private static final List<String> LABELS = List.of("Fp1", "Fp2", "F3", "F4", "C3", "C4", "P3", "P4");

    private static LslOutlet outlet(String sourceId) throws Exception {
        return new LslOutlet("TestEEG", "EEG", sourceId, ChannelFormat.FLOAT32, LABELS, "microvolts", 256);
    }

    private static String uniqueId() {
        return "test-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void streamsAreFoundByTheirPropertiesAndDescribeTheirChannels() throws Exception {
        String id = uniqueId();
        try (LslOutlet out = outlet(id)) {
            LslResolver resolver = new LslResolver();
            List<StreamInfo> found = resolver.resolve("source_id='" + id + "'", 1, Duration.ofSeconds(3));
            assertEquals(1, found.size());
            StreamInfo info = found.get(0);
            assertEquals(out.info().uid(), info.uid());
            assertEquals(List.of("TestEEG", "EEG", 8, 256.0, 110), List.of(info.name(), info.type(), info.channelCount(),
                    info.nominalRate(), info.version()));
            assertTrue(info.address().isLoopbackAddress());
            for (String query : List.of("name='TestEEG' and source_id='" + id + "'",
                    "type='EEG' and channel_count>4 and source_id='" + id + "'")) {
                assertEquals(1, resolver.resolve(query, 1, Duration.ofSeconds(3)).size(), query);
            }
            assertEquals(List.of(), resolver.resolve("type='Markers' and source_id='" + id + "'", 1, Duration.ofMillis(800)));
            assertEquals(List.of(), resolver.resolve("this is not xpath", 1, Duration.ofMillis(800)), "invalid: no match");
            assertEquals(LABELS, LslResolver.fullInfo(info, Duration.ofSeconds(2)).labels());
        }
    }

    @Test
    void theFeedDeliversEveryPushedSampleExactlyWithItsTimestamp() throws Exception {
        String id = uniqueId();
        try (LslOutlet out = outlet(id)) {
            StreamInfo info = new LslResolver().resolve("source_id='" + id + "'", 1, Duration.ofSeconds(3)).get(0);
            try (StreamFeed feed = StreamFeed.connect(info, Duration.ofSeconds(3))) {
                awaitClients(out, 1);
                for (int i = 0; i < 300; i++) {
                    out.push(values(i), 1000 + i / 256.0);
                }
                for (int i = 0; i < 300; i++) {
                    LslSample s = feed.next();
                    assertEquals(1000 + i / 256.0, s.timestamp());
                    assertArrayEquals(values(i), s.values());
                }
            }
            double correction = TimeProbe.measure(new InetSocketAddress(info.address(), info.servicePort()));
            assertTrue(Math.abs(correction) < 0.005, "same host, same clock: correction " + correction);
        }
    }

    @Test
    void aClientAskingForNoBufferGetsTheTestPatternsAndNoData() throws Exception {
        try (LslOutlet out = outlet(uniqueId());
                Socket s = new Socket("127.0.0.1", out.info().v4DataPort())) {
            s.getOutputStream().write(("LSL:streamfeed/110 " + out.info().uid() + "\r\nMax-Buffer-Length: 0\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            s.setSoTimeout(500);
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            for (int i = 0; i < 20; i++) {
                out.push(values(i), i);
            }
            try {
                for (int b = in.read(); b >= 0; b = in.read()) {
                    got.write(b);
                }
            } catch (SocketTimeoutException expected) {
                // no data comes
            }
            String text = got.toString(StandardCharsets.ISO_8859_1);
            assertTrue(text.startsWith("LSL/110 200 OK\r\n"), text);
            int header = text.indexOf("\r\n\r\n") + 4;
            assertEquals(2 * (1 + 8 + 8 * 4), got.size() - header, "exactly the two test patterns");
        }
    }

    @Test
    void theSourceReconnectsWhenTheOutletRestartsAndReportsTheGap() throws Exception {
        String id = uniqueId();
        List<String> status = new CopyOnWriteArrayList<>();
        List<RawSamples> received = new CopyOnWriteArrayList<>();
        LslOutlet first = outlet(id);
        LslSource source = new LslSource("source_id='" + id + "'", new LslResolver(), Duration.ofSeconds(3), status::add);
        assertArrayEquals(LABELS.toArray(), source.channels(), "channels named by their labels");
        Thread reader = new Thread(() -> {
            try {
                for (RawSamples r = source.read(); r != null; r = source.read()) {
                    received.add(r);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        reader.start();
        try {
            awaitClients(first, 1);
            double t = LslClock.now();
            for (int i = 0; i < 50; i++) {
                first.push(values(i), t + i / 256.0);
            }
            awaitSamples(received, 50);
            first.close();
            Thread.sleep(1_500);
            try (LslOutlet second = outlet(id)) {
                awaitClients(second, 1);
                double resumed = LslClock.now();
                for (int i = 50; i < 100; i++) {
                    second.push(values(i), resumed + (i - 50) / 256.0);
                }
                awaitSamples(received, 100);
                List<Double> firstValues = new ArrayList<>();
                received.forEach(r -> {
                    for (int s = 0; s < r.sampleCount(); s++) {
                        firstValues.add(r.value(s, 0));
                    }
                });
                for (int i = 0; i < 100; i++) {
                    assertEquals(values(i)[0], firstValues.get(i), "sample " + i + " in order, none lost");
                }
                assertTrue(status.stream().anyMatch(l -> l.contains("lost")), status.toString());
                assertTrue(status.stream().anyMatch(l -> l.contains("found again")), status.toString());
                assertTrue(status.stream().anyMatch(l -> l.matches(".*gap of [0-9.]+ s in its timestamps \\([0-9]+ samples at 256 Hz were not received\\)")),
                        status.toString());
            }
        } finally {
            source.close();
            reader.interrupt();
        }
    }

    static double[] values(int i) {
        double[] v = new double[8];
        for (int c = 0; c < 8; c++) {
            v[c] = c * 1000 + (i % 1000);
        }
        return v;
    }

    private static void awaitClients(LslOutlet out, int n) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (out.clients() < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(n, out.clients());
    }

    private static void awaitSamples(List<RawSamples> received, int n) throws InterruptedException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (received.stream().mapToInt(RawSamples::sampleCount).sum() < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(n, received.stream().mapToInt(RawSamples::sampleCount).sum());
    }
}
