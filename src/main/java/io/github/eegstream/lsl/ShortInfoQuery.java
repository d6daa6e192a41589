package io.github.eegstream.lsl;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The discovery datagram {@code LSL:shortinfo\r\n<query>\r\n<return-port> <query-id>\r\n}, and the
 * reply {@code <query-id>\r\n<shortinfo XML>}, which goes to the querier's address at the return
 * port (not to the query's source port).
 */
public record ShortInfoQuery(String predicate, int returnPort, String queryId) {

    private static final AtomicLong IDS = new AtomicLong(System.nanoTime());

    /** A query with a fresh id. */
    public static ShortInfoQuery of(String predicate, int returnPort) {
        return new ShortInfoQuery(predicate == null ? "" : predicate.trim(), returnPort,
                Long.toUnsignedString(IDS.incrementAndGet() * 0x9E3779B97F4A7C15L));
    }

    public String toDatagram() {
        return "LSL:shortinfo\r\n" + predicate + "\r\n" + returnPort + " " + queryId + "\r\n";
    }

    /**
     * Parses a received query as liblsl's outlet does: method line, trimmed predicate, then port
     * and id as whitespace-separated tokens.
     *
     * @throws IllegalArgumentException if it is not a shortinfo query
     */
    public static ShortInfoQuery parse(String datagram) {
        String[] lines = datagram.split("\r?\n", -1);
        if (lines.length < 3 || !lines[0].trim().equals("LSL:shortinfo")) {
            throw new IllegalArgumentException("not an LSL:shortinfo query");
        }
        String[] tokens = lines[2].trim().split("\\s+");
        if (tokens.length < 2) {
            throw new IllegalArgumentException("LSL:shortinfo query without return port and id");
        }
        return new ShortInfoQuery(lines[1].trim(), Integer.parseInt(tokens[0]), tokens[1]);
    }

    /** A reply's datagram, as an outlet sends it. */
    public static String reply(String queryId, StreamInfo info) {
        return queryId + "\r\n" + info.toXml(false);
    }

    /**
     * Parses a reply to the query with {@code queryId}.
     *
     * @return the stream, its address set to {@code from}; null if the reply answers another query
     */
    public static StreamInfo parseReply(String datagram, String queryId, InetAddress from) {
        int end = datagram.indexOf("\r\n");
        if (end < 0 || !datagram.substring(0, end).trim().equals(queryId)) {
            return null;
        }
        return StreamInfo.parse(datagram.substring(end + 2), from);
    }
}
