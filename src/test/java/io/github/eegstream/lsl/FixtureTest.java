package io.github.eegstream.lsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bytes of real liblsl 1.17.7 outlets (shared/lsl/transcripts/raw, copied to test resources):
 * every value decodes to c*1000 + (i % 1000), test patterns and timestamps included.
 */
class FixtureTest {

    /** name, format, protocol, samples, transmitted timestamps, first and last timestamp (6 decimals). */
    static Stream<Arguments> streamfeeds() {
        return Stream.of(
                Arguments.of("float32_p110_ipv4", ChannelFormat.FLOAT32, 110, 128, 128, 469.238037, 469.734212),
                Arguments.of("float32_p110_default", ChannelFormat.FLOAT32, 110, 128, 128, 464.451162, 464.947418),
                Arguments.of("float32_chunk4_p110_ipv4", ChannelFormat.FLOAT32, 110, 128, 32, 500.043632, 500.539745),
                Arguments.of("double64_p110_ipv4", ChannelFormat.DOUBLE64, 110, 64, 64, 504.820280, 505.066450),
                Arguments.of("int16_p110_ipv4", ChannelFormat.INT16, 110, 64, 64, 509.350081, 509.596253),
                Arguments.of("int32_p110_ipv4", ChannelFormat.INT32, 110, 64, 64, 513.884643, 514.130814),
                Arguments.of("int64_p110_ipv4", ChannelFormat.INT64, 110, 64, 64, 518.418471, 518.664647),
                Arguments.of("string_p110_ipv4", ChannelFormat.STRING, 110, 64, 64, 522.938006, 523.184192),
                Arguments.of("float32_p100_ipv4", ChannelFormat.FLOAT32, 100, 64, 64, 527.452796, 527.698965),
                Arguments.of("int16_p100_ipv4", ChannelFormat.INT16, 100, 64, 64, 534.842379, 535.088546),
                Arguments.of("string_p100_ipv4", ChannelFormat.STRING, 100, 64, 64, 542.257235, 542.503465));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streamfeeds")
    void everyFixtureDecodesToItsValues(String name, ChannelFormat format, int protocol, int samples, int transmitted,
            double first, double last) throws Exception {
        byte[] response = resource(name + ".streamfeed.response.bin");
        StreamInfo info = info(format, uidOf(response), InetAddress.getLoopbackAddress());
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        try (StreamFeed feed = StreamFeed.handshake(new ByteArrayInputStream(response), request, info, protocol, null)) {
            assertEquals(protocol, feed.protocol());
            assertEquals(ByteOrder.LITTLE_ENDIAN, feed.byteOrder());
            List<LslSample> got = readAll(feed);
            assertEquals(samples, got.size(), "every sample, no more");
            assertEquals(transmitted, got.stream().filter(s -> !s.deduced()).count());
            assertEquals(first, got.get(0).timestamp(), 1e-6);
            assertEquals(last, got.get(got.size() - 1).timestamp(), 1e-6);
            for (int i = 0; i < got.size(); i++) {
                LslSample s = got.get(i);
                for (int c = 0; c < 8; c++) {
                    double expected = c * 1000 + (i % 1000);
                    if (format == ChannelFormat.STRING) {
                        assertEquals(Long.toString((long) expected), s.strings()[c], "sample " + i + " channel " + c);
                    } else {
                        assertEquals(expected, s.values()[c], "sample " + i + " channel " + c);
                    }
                }
                if (s.deduced()) {
                    assertEquals(got.get(i - 1).timestamp() + 1 / 256.0, s.timestamp(), 0.0, "deduced timestamp " + i);
                }
            }
        }
        String sent = request.toString(StandardCharsets.US_ASCII);
        String recorded = new String(resource(name + ".streamfeed.request.bin"), StandardCharsets.US_ASCII);
        assertEquals(recorded.lines().findFirst(), sent.lines().findFirst(), "the request line liblsl sends");
        assertTrue(sent.endsWith(protocol == 110 ? "\r\n\r\n" : "\r\n"));
        if (protocol == 110) {
            for (String header : List.of("Max-Buffer-Length: 92160", "Max-Chunk-Length: 0", "Native-Byte-Order: 1234",
                    "Value-Size: " + (format == ChannelFormat.STRING ? 32 : format.valueSize()))) {
                assertTrue(recorded.contains(header + "\r\n") && sent.contains(header + "\r\n"), header);
            }
        } else {
            assertEquals(recorded, sent, "the legacy request, byte for byte");
        }
    }

    @Test
    void theDefaultFixturesStreamOverIpv6() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        byte[] response = resource("float32_p110_default.streamfeed.response.bin");
        try (ServerSocket server = new ServerSocket(0, 1, v6)) {
            CompletableFuture<String> request = CompletableFuture.supplyAsync(() -> replay(server, response));
            StreamInfo info = info(ChannelFormat.FLOAT32, uidOf(response), v6);
            info = new StreamInfo(info.name(), info.type(), 8, info.format(), info.sourceId(), 256, 110, 0, info.uid(),
                    "default", "vm", v6, 0, 0, server.getLocalPort(), 0, List.of(), List.of());
            assertTrue(info.address() instanceof Inet6Address);
            try (StreamFeed feed = StreamFeed.connect(info, Duration.ofSeconds(5))) {
                List<LslSample> got = readAll(feed);
                assertEquals(128, got.size());
                assertEquals(7127.0, got.get(127).values()[7]);
            }
            assertTrue(request.get().startsWith("LSL:streamfeed/110 " + info.uid() + "\r\n"));
        }
    }

    @Test
    void discoveryReplyFullInfoAndTimeProbesParse() throws Exception {
        InetAddress outlet = InetAddress.getByName("127.0.0.1");
        for (String capture : List.of("float32_p110_ipv4", "float32_p110_default")) {
            String query = new String(resource(capture + ".udp_query.bin"), StandardCharsets.US_ASCII);
            ShortInfoQuery q = ShortInfoQuery.parse(query);
            String reply = new String(resource(capture + ".udp_reply.bin"), StandardCharsets.UTF_8);
            StreamInfo info = ShortInfoQuery.parseReply(reply, q.queryId(), outlet);
            assertEquals("SimEEG", info.name());
            assertEquals("EEG", info.type());
            assertEquals(8, info.channelCount());
            assertEquals(ChannelFormat.FLOAT32, info.format());
            assertEquals(256.0, info.nominalRate());
            assertEquals(110, info.version());
            assertEquals("simeeg-" + capture, info.sourceId());
            assertTrue(info.v4DataPort() >= 16572 && info.v4ServicePort() >= 16572);
            assertEquals(outlet, info.address(), "the reply's source, the XML's address is empty");
            assertTrue(info.matches(q.predicate()), "the stream matches the query liblsl sent: " + q.predicate());
            assertFalse(info.matches("type='Markers'"));
            assertNull(ShortInfoQuery.parseReply(reply, "another-query", outlet), "replies to other queries are ignored");

            StreamInfo full = StreamInfo.parse(new String(resource(capture + ".fullinfo.response.bin"),
                    StandardCharsets.UTF_8), outlet);
            assertEquals(List.of("Fp1", "Fp2", "F3", "F4", "C3", "C4", "P3", "P4"), full.labels());
            assertEquals(List.of("Fp1", "Fp2", "F3", "F4", "C3", "C4", "P3", "P4"), List.of(full.channelNames()));

            TimeProbe.Reply r = TimeProbe.parseReply(new String(resource(capture + ".timedata.reply.bin"),
                    StandardCharsets.US_ASCII));
            String req = new String(resource(capture + ".timedata.request.bin"), StandardCharsets.US_ASCII);
            assertTrue(req.startsWith("LSL:timedata\r\n" + r.waveId() + " "));
            assertTrue(r.t1() >= r.t0() && r.t2() >= r.t1());
        }
        StreamInfo unlabelled = new StreamInfo("s", "EEG", 2, ChannelFormat.FLOAT32, "", 100, 110, 0, "u", "default", "h",
                outlet, 1, 1, 0, 0, List.of(), List.of());
        assertEquals(List.of("Ch0", "Ch1"), List.of(unlabelled.channelNames()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bigEndianCases")
    void bigEndianFeedsDecodeToTheSameValues(String name, ChannelFormat format, int samples) throws Exception {
        byte[] le = resource(name + ".streamfeed.response.bin");
        String text = new String(le, StandardCharsets.ISO_8859_1);
        int body = text.indexOf("\r\n\r\n") + 4;
        java.io.ByteArrayOutputStream be = new java.io.ByteArrayOutputStream();
        be.write(text.substring(0, body).replace("Byte-Order: 1234", "Byte-Order: 4321").getBytes(StandardCharsets.ISO_8859_1));
        int size = format.valueSize();
        for (int at = body; at < le.length; ) { // every sample here carries its timestamp (tag 2)
            be.write(le[at]);
            be.write(reversed(le, at + 1, 8));
            for (int c = 0; c < 8; c++) {
                be.write(reversed(le, at + 9 + c * size, size));
            }
            at += 9 + 8 * size;
        }
        StreamInfo info = info(format, uidOf(le), null);
        try (StreamFeed feed = StreamFeed.handshake(new ByteArrayInputStream(be.toByteArray()), new ByteArrayOutputStream(),
                info, 110, null)) {
            assertEquals(ByteOrder.BIG_ENDIAN, feed.byteOrder());
            List<LslSample> got = readAll(feed);
            assertEquals(samples, got.size());
            for (int i = 0; i < samples; i++) {
                for (int c = 0; c < 8; c++) {
                    assertEquals(c * 1000 + (i % 1000), got.get(i).values()[c], "sample " + i + " channel " + c);
                }
            }
        }
    }

    static Stream<Arguments> bigEndianCases() {
        return Stream.of(Arguments.of("float32_p110_ipv4", ChannelFormat.FLOAT32, 128),
                Arguments.of("double64_p110_ipv4", ChannelFormat.DOUBLE64, 64),
                Arguments.of("int16_p110_ipv4", ChannelFormat.INT16, 64),
                Arguments.of("int32_p110_ipv4", ChannelFormat.INT32, 64),
                Arguments.of("int64_p110_ipv4", ChannelFormat.INT64, 64));
    }

    private static byte[] reversed(byte[] bytes, int from, int n) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = bytes[from + n - 1 - i];
        }
        return out;
    }

    @Test
    void wrongByteOrderOrFormatIsCaughtByTheTestPatterns() throws Exception {
        byte[] response = resource("float32_p110_ipv4.streamfeed.response.bin");
        StreamInfo asInt32 = info(ChannelFormat.INT32, uidOf(response), null);
        IOException e = assertThrows(IOException.class, () -> StreamFeed.handshake(
                new ByteArrayInputStream(response), new ByteArrayOutputStream(), asInt32, 110, null));
        assertTrue(e.getMessage().contains("test pattern 4 does not match"), e.getMessage());
        String bigEndian = new String(response, StandardCharsets.ISO_8859_1).replace("Byte-Order: 1234", "Byte-Order: 4321");
        StreamInfo info = info(ChannelFormat.FLOAT32, uidOf(response), null);
        assertThrows(IOException.class, () -> StreamFeed.handshake(new ByteArrayInputStream(
                bigEndian.getBytes(StandardCharsets.ISO_8859_1)), new ByteArrayOutputStream(), info, 110, null));
        LslRefusedException gone = assertThrows(LslRefusedException.class, () -> StreamFeed.handshake(
                new ByteArrayInputStream("LSL/110 404 Not found".getBytes(StandardCharsets.US_ASCII)),
                new ByteArrayOutputStream(), info, 110, null));
        assertEquals(404, gone.status());
    }

    static StreamInfo info(ChannelFormat format, String uid, InetAddress address) {
        return new StreamInfo("SimEEG", "EEG", 8, format, "simeeg", 256, 110, 0, uid, "default", "vm", address,
                16573, 16572, 16573, 16572, List.of(), List.of());
    }

    static List<LslSample> readAll(StreamFeed feed) throws IOException {
        List<LslSample> out = new ArrayList<>();
        for (LslSample s = feed.next(); s != null; s = feed.next()) {
            out.add(s);
        }
        return out;
    }

    private static String uidOf(byte[] response) {
        Matcher m = Pattern.compile("(?:UID: |<uid>)([0-9a-f-]{36})").matcher(new String(response, StandardCharsets.ISO_8859_1));
        assertTrue(m.find());
        return m.group(1);
    }

    private static String replay(ServerSocket server, byte[] response) {
        try (Socket s = server.accept()) {
            InputStream in = s.getInputStream();
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            while (!request.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                request.write(in.read());
            }
            s.getOutputStream().write(response);
            return request.toString(StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = FixtureTest.class.getResourceAsStream("/lsl/" + name)) {
            assertTrue(in != null, name);
            return in.readAllBytes();
        }
    }
}
