package io.github.eegstream.lsl;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds streams by UDP discovery, as liblsl does: a {@code LSL:shortinfo} query to the local host,
 * the broadcast address and the LSL multicast groups on port 16571 (and, for networks without
 * multicast, to known peers' ports 16572..16603), repeated every half second; replies are
 * deduplicated by uid and located by their source address.
 */
public final class LslResolver {

    public static final int MULTICAST_PORT = 16571;
    public static final int BASE_PORT = 16572;
    public static final int PORT_RANGE = 32;

    private static final String[] TARGETS = {
        "127.0.0.1", "255.255.255.255", "224.0.0.1", "224.0.0.183", "239.255.172.215",
        "ff02:113d:6fdd:2c17:a643:ffe2:1bd1:3cd2", "ff05:113d:6fdd:2c17:a643:ffe2:1bd1:3cd2"
    };
    private static final long WAVE_MILLIS = 500;

    private final List<InetAddress> knownPeers;

    public LslResolver() {
        this(List.of());
    }

    /** @param knownPeers hosts to query by unicast as well, for networks without multicast */
    public LslResolver(List<InetAddress> knownPeers) {
        this.knownPeers = List.copyOf(knownPeers);
    }

    /**
     * Streams matching {@code query} (an XPath predicate such as {@code type='EEG'}; empty for all),
     * waiting until {@code minimum} were found or {@code timeout} passed.
     */
    public List<StreamInfo> resolve(String query, int minimum, Duration timeout) throws IOException {
        Map<String, StreamInfo> found = new LinkedHashMap<>();
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(0))) {
            socket.setBroadcast(true);
            ShortInfoQuery q = ShortInfoQuery.of(query, socket.getLocalPort());
            byte[] datagram = q.toDatagram().getBytes(StandardCharsets.UTF_8);
            List<InetSocketAddress> targets = targets();
            byte[] buffer = new byte[65536];
            long deadline = System.nanoTime() + timeout.toNanos();
            long nextWave = 0;
            while (System.nanoTime() < deadline && found.size() < minimum) {
                if (System.nanoTime() >= nextWave) {
                    for (InetSocketAddress target : targets) {
                        try {
                            socket.send(new DatagramPacket(datagram, datagram.length, target));
                        } catch (IOException unreachable) {
                            // no route for this group or family here: the other targets still count
                        }
                    }
                    nextWave = System.nanoTime() + WAVE_MILLIS * 1_000_000;
                }
                long waitMillis = Math.max(1, Math.min(nextWave, deadline) - System.nanoTime()) / 1_000_000;
                socket.setSoTimeout((int) Math.max(1, waitMillis));
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(packet);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                try {
                    StreamInfo info = ShortInfoQuery.parseReply(
                            new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8), q.queryId(),
                            packet.getAddress());
                    if (info != null) {
                        found.putIfAbsent(info.uid(), info);
                    }
                } catch (IllegalArgumentException malformed) {
                    // not a stream info: ignore, as liblsl does
                }
            }
        }
        return new ArrayList<>(found.values());
    }

    private List<InetSocketAddress> targets() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String t : TARGETS) {
            try {
                out.add(new InetSocketAddress(InetAddress.getByName(t), MULTICAST_PORT));
            } catch (IOException e) {
                // unparseable only if the JDK has no IPv6 at all
            }
        }
        for (InetAddress peer : knownPeers) {
            for (int p = BASE_PORT; p < BASE_PORT + PORT_RANGE; p++) {
                out.add(new InetSocketAddress(peer, p));
            }
        }
        return out;
    }

    /**
     * The full info of a stream ({@code LSL:fullinfo} over TCP): the shortinfo fields plus
     * {@code <desc>}, with its channel labels and units.
     */
    public static StreamInfo fullInfo(StreamInfo info, Duration timeout) throws IOException {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new InetSocketAddress(info.address(), info.dataPort()), (int) timeout.toMillis());
            s.setSoTimeout((int) timeout.toMillis());
            s.getOutputStream().write("LSL:fullinfo\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            String xml = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            StreamInfo full = StreamInfo.parse(xml, info.address());
            return info.withLabels(full.labels(), full.units());
        }
    }
}
