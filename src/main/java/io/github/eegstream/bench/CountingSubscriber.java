package io.github.eegstream.bench;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ceiling's consumer: one pattern subscription on a plain socket that counts the messages of
 * a range of numeric user ids and does nothing else. It reads Redis's replies (RESP2) with a
 * parser of its own that never copies a payload, so what it measures is what Redis delivers, not
 * what a client library costs: no decoding, no objects per message.
 *
 * <p>Plain TCP only, with {@code AUTH} if the endpoint has a password; over TLS there is no ceiling.
 */
public final class CountingSubscriber implements AutoCloseable {

    private final Socket socket;
    private final long firstId;
    private final long lastId;
    private final AtomicLong counted = new AtomicLong();
    private final CountDownLatch subscribed = new CountDownLatch(1);
    private final Thread reader;
    private volatile long lastMessageNanos;
    private volatile Throwable failure;
    private volatile boolean closing;

    /**
     * Subscribes to {@code pattern} at {@code host:port} and counts the messages on
     * {@code user:<id>:raw} for ids {@code firstId} to {@code lastId}, both included.
     *
     * @param username null for the default user
     * @param password null for none
     */
    public CountingSubscriber(String host, int port, String username, char[] password, String pattern, long firstId,
            long lastId) throws IOException {
        this.firstId = firstId;
        this.lastId = lastId;
        this.socket = new Socket();
        socket.setReceiveBufferSize(1 << 20);
        socket.connect(new InetSocketAddress(host, port), 5_000);
        OutputStream out = socket.getOutputStream();
        if (password != null) {
            out.write(username == null ? command("AUTH", new String(password)) : command("AUTH", username, new String(password)));
        }
        out.write(command("PSUBSCRIBE", pattern));
        out.flush();
        InputStream in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
        reader = new Thread(() -> read(new Resp(in)), "bench-ceiling-subscriber");
        reader.setDaemon(true);
        reader.start();
    }

    /** Waits until Redis has confirmed the subscription. */
    public void awaitSubscribed(long timeoutMillis) throws InterruptedException {
        if (!subscribed.await(timeoutMillis, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the counting subscriber was not subscribed within " + timeoutMillis + " ms"
                    + (failure == null ? "" : ": " + failure));
        }
    }

    /** Messages counted since the subscription started. */
    public long count() {
        return counted.get();
    }

    /** {@link System#nanoTime} of the last counted message; 0 before any. */
    public long lastMessageNanos() {
        return lastMessageNanos;
    }

    /** Why reading stopped, if it stopped before {@link #close}: Redis disconnected the subscriber, say. */
    public Throwable failure() {
        return failure;
    }

    private void read(Resp in) {
        try {
            while (true) {
                in.expect('*');
                long elements = in.integerLine();
                byte[] kind = in.bulk();
                if (elements == 4 && equals(kind, "pmessage")) {
                    in.skipBulk(); // the pattern
                    long id = in.userId();
                    in.skipBulk(); // the payload: counted, never copied
                    if (id >= firstId && id <= lastId) {
                        counted.incrementAndGet();
                        lastMessageNanos = System.nanoTime();
                    }
                } else if (elements == 3 && equals(kind, "psubscribe")) {
                    in.skipBulk();
                    in.expect(':');
                    in.integerLine();
                    subscribed.countDown();
                } else {
                    throw new IOException("unexpected reply from Redis: " + new String(kind, StandardCharsets.UTF_8));
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!closing) {
                failure = e;
            }
        }
    }

    private static boolean equals(byte[] bytes, String ascii) {
        return bytes != null && new String(bytes, StandardCharsets.US_ASCII).equals(ascii);
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

    @Override
    public void close() throws IOException {
        closing = true;
        socket.close();
    }

    /** The few RESP2 forms a subscription receives, read straight off the stream. */
    static final class Resp {
        private final InputStream in;

        Resp(InputStream in) {
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
