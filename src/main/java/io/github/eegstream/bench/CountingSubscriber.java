package io.github.eegstream.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
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
    private volatile CountDownLatch reached;
    private volatile long target = Long.MAX_VALUE;
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
        this.socket = RespSocket.connect(host, port, username, password);
        socket.getOutputStream().write(RespSocket.command("PSUBSCRIBE", pattern));
        socket.getOutputStream().flush();
        RespSocket.Reader in = new RespSocket.Reader(new BufferedInputStream(socket.getInputStream(), 1 << 16));
        reader = new Thread(() -> read(in), "bench-ceiling-subscriber");
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

    /**
     * Waits until {@code n} messages have been counted, at most {@code timeoutMillis}; true if
     * they were. One waiter at a time.
     */
    public boolean awaitCount(long n, long timeoutMillis) throws InterruptedException {
        CountDownLatch latch = new CountDownLatch(1);
        reached = latch; // before the target, which the reader reads first
        target = n;
        try {
            return counted.get() >= n || latch.await(timeoutMillis, TimeUnit.MILLISECONDS) || counted.get() >= n;
        } finally {
            target = Long.MAX_VALUE;
        }
    }

    /** {@link System#nanoTime} of the last counted message; 0 before any. */
    public long lastMessageNanos() {
        return lastMessageNanos;
    }

    /** Why reading stopped, if it stopped before {@link #close}: Redis disconnected the subscriber, say. */
    public Throwable failure() {
        return failure;
    }

    private void read(RespSocket.Reader in) {
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
                        lastMessageNanos = System.nanoTime();
                        if (counted.incrementAndGet() >= target) {
                            reached.countDown();
                        }
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

    @Override
    public void close() throws IOException {
        closing = true;
        socket.close();
    }
}
