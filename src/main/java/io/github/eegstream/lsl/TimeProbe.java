package io.github.eegstream.lsl;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * LSL time correction: {@code LSL:timedata} probes to an outlet's service port. Each reply gives
 * the outlet's clock when the probe arrived (t1) and when it answered (t2); with our send and
 * receive times (t0, t3), the probe with the smallest round trip gives the clock offset.
 */
public final class TimeProbe {

    /** liblsl's schedule: 8 probes, 64 ms apart. */
    static final int PROBES = 8;
    static final long INTERVAL_MILLIS = 64;

    private TimeProbe() {}

    /** The request datagram; {@code t0} with 16 significant digits, as liblsl writes it. */
    public static String request(long waveId, double t0) {
        return "LSL:timedata\r\n" + waveId + " " + String.format(Locale.ROOT, "%.16g", t0) + "\r\n";
    }

    /** A reply: {@code " <wave_id> <t0> <t1> <t2>"} (leading space, no line end). */
    public record Reply(long waveId, double t0, double t1, double t2) {}

    public static Reply parseReply(String datagram) {
        String[] t = datagram.trim().split("\\s+");
        if (t.length < 4) {
            throw new IllegalArgumentException("not an LSL:timedata reply: '" + datagram + "'");
        }
        return new Reply(Long.parseLong(t[0]), Double.parseDouble(t[1]), Double.parseDouble(t[2]), Double.parseDouble(t[3]));
    }

    /** The reply an outlet gives to a request received at {@code t1}, sent at {@code t2}. */
    static String reply(String request, double t1, double t2) {
        String[] lines = request.split("\r?\n");
        String[] t = lines[1].trim().split("\\s+");
        return String.format(Locale.ROOT, " %s %s %.16g %.16g", t[0], t[1], t1, t2);
    }

    /**
     * Probes the outlet and returns the time correction: the number of seconds to add to the
     * outlet's timestamps to get this process's {@link LslClock}. NaN if fewer than 6 of 8 probes
     * came back (liblsl's rule).
     */
    public static double measure(InetSocketAddress outlet) throws IOException {
        long wave = System.nanoTime() & 0x7fffffff;
        double bestRtt = Double.POSITIVE_INFINITY;
        double bestOffset = Double.NaN;
        int replies = 0;
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout((int) INTERVAL_MILLIS);
            byte[] buffer = new byte[256];
            for (int p = 0; p < PROBES; p++) {
                byte[] request = request(wave, LslClock.now()).getBytes(StandardCharsets.US_ASCII);
                socket.send(new DatagramPacket(request, request.length, outlet));
                long until = System.nanoTime() + INTERVAL_MILLIS * 1_000_000;
                while (System.nanoTime() < until) {
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    try {
                        socket.receive(packet);
                    } catch (SocketTimeoutException e) {
                        break;
                    }
                    double t3 = LslClock.now();
                    Reply r;
                    try {
                        r = parseReply(new String(packet.getData(), 0, packet.getLength(), StandardCharsets.US_ASCII));
                    } catch (IllegalArgumentException e) {
                        continue;
                    }
                    if (r.waveId() != wave) {
                        continue;
                    }
                    replies++;
                    double rtt = (t3 - r.t0()) - (r.t2() - r.t1());
                    if (rtt < bestRtt) {
                        bestRtt = rtt;
                        bestOffset = ((r.t1() - r.t0()) + (r.t2() - t3)) / 2;
                    }
                }
            }
        }
        return replies >= 6 ? -bestOffset : Double.NaN;
    }
}
