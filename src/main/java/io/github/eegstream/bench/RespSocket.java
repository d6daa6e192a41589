package io.github.eegstream.bench;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Redis on a plain socket, RESP2, for the benchmark's own load: what a client library costs per
 * message (command objects, futures, a codec) is not what is being measured, and on a 2-core
 * machine it would be taken from the job under test. Plain TCP only; TLS endpoints use Lettuce.
 */
final class RespSocket {

    private RespSocket() {}

    /** A connected socket, authenticated if {@code password} is set ({@code username} null for the default user). */
    static Socket connect(String host, int port, String username, char[] password) throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setReceiveBufferSize(1 << 20);
        socket.setSendBufferSize(1 << 20);
        socket.connect(new InetSocketAddress(host, port), 5_000);
        if (password != null) {
            socket.getOutputStream().write(username == null ? command("AUTH", new String(password))
                    : command("AUTH", username, new String(password)));
            socket.getOutputStream().flush();
            Reader in = new Reader(new BufferedInputStream(socket.getInputStream(), 64));
            try {
                in.expect('+');
                in.line();
            } catch (IOException e) {
                socket.close();
                throw e;
            }
        }
        return socket;
    }

    /** A RESP2 command, as an array of bulk strings. */
    static byte[] command(String... parts) {
        StringBuilder b = new StringBuilder("*").append(parts.length).append("\r\n");
        for (String p : parts) {
            byte[] bytes = p.getBytes(StandardCharsets.UTF_8);
            b.append('$').append(bytes.length).append("\r\n").append(p).append("\r\n");
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The few RESP2 forms a publisher or a subscriber receives, read straight off the stream. */
    static final class Reader {
        private final InputStream in;

        Reader(InputStream in) {
            this.in = in;
        }

        private int next() throws IOException {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("Redis closed the connection");
            }
            return b;
        }

        void expect(char type) throws IOException {
            int b = next();
            if (b == '-') {
                StringBuilder error = new StringBuilder();
                for (int c = next(); c != '\r'; c = next()) {
                    error.append((char) c);
                }
                throw new IOException("Redis: " + error);
            }
            if (b != type) {
                throw new IOException("expected '" + type + "' in a reply, got '" + (char) b + "'");
            }
        }

        /** Skips a simple line up to CRLF (after its type byte). */
        void line() throws IOException {
            for (int c = next(); c != '\r'; c = next()) {
                // a status text, not needed
            }
            next();
        }

        /** The integer up to CRLF (after its type byte). */
        long integerLine() throws IOException {
            long v = 0;
            boolean negative = false;
            for (int c = next(); c != '\r'; c = next()) {
                if (c == '-') {
                    negative = true;
                } else {
                    v = v * 10 + (c - '0');
                }
            }
            next(); // '\n'
            return negative ? -v : v;
        }

        byte[] bulk() throws IOException {
            expect('$');
            int n = (int) integerLine();
            if (n < 0) {
                return null;
            }
            byte[] b = in.readNBytes(n);
            if (b.length < n) {
                throw new EOFException("Redis closed the connection");
            }
            next();
            next();
            return b;
        }

        void skipBulk() throws IOException {
            expect('$');
            long n = integerLine();
            if (n > 0) {
                in.skipNBytes(n);
            }
            next();
            next();
        }

        /** The id of a {@code user:<id>:raw} channel if it is a number, else -1. */
        long userId() throws IOException {
            expect('$');
            long n = integerLine();
            long id = 0;
            int colons = 0;
            boolean digits = false;
            for (long i = 0; i < n; i++) {
                int c = next();
                if (c == ':') {
                    colons++;
                } else if (colons == 1) {
                    if (c < '0' || c > '9') {
                        id = Long.MIN_VALUE;
                    } else if (id >= 0) {
                        id = id * 10 + (c - '0');
                        digits = true;
                    }
                }
            }
            next();
            next();
            return digits && id >= 0 && colons == 2 ? id : -1;
        }
    }
}
