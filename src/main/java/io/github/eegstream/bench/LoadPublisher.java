package io.github.eegstream.bench;

import io.github.eegstream.redis.RedisEndpoint;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load generator's PUBLISHes, pipelined over a few connections: written as they come,
 * sent at {@link #flush}, answered in the background. On a plain TCP endpoint each command is
 * written straight onto the socket's buffer ({@link RespSocket}): the generator then costs a
 * copy of the message, where Lettuce's command objects and futures cost it more CPU than Redis
 * spent on the message. Over TLS, Lettuce.
 */
abstract class LoadPublisher implements AutoCloseable {

    /** For {@code endpoint}: on a plain socket unless it needs TLS. */
    static LoadPublisher open(RedisEndpoint endpoint, int connections) {
        if (endpoint.isCluster()) {
            return new Sharded(endpoint.createClusterClient("eegstream-bench-load"));
        }
        RedisURI uri = RedisURI.create(endpoint.url());
        if (uri.isSsl()) {
            return new Lettuce(endpoint.createClient(), connections);
        }
        RedisCredentials credentials = uri.getCredentialsProvider().resolveCredentials().block();
        try {
            return new Plain(uri.getHost(), uri.getPort(), credentials == null ? null : credentials.getUsername(),
                    credentials == null ? null : credentials.getPassword(), connections);
        } catch (IOException e) {
            throw new UncheckedIOException("could not connect to " + endpoint.redacted(), e);
        }
    }

    /** Queues a PUBLISH on connection {@code connection} (modulo their number). */
    abstract void publish(int connection, byte[] channel, byte[] message);

    /** Sends what was queued. */
    abstract void flush();

    /** PUBLISHes sent and not answered yet. */
    abstract long unanswered();

    @Override
    public abstract void close();

    /** RESP2 on plain sockets, one reader thread per connection counting the replies. */
    private static final class Plain extends LoadPublisher {
        private static final byte[] PUBLISH = "*3\r\n$7\r\nPUBLISH\r\n$".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] CRLF = {'\r', '\n'};

        private final List<Socket> sockets = new ArrayList<>();
        private final List<OutputStream> outs = new ArrayList<>();
        private final AtomicLong answered = new AtomicLong();
        private long sent;
        private volatile IOException failure;
        private final byte[] digits = new byte[12];

        Plain(String host, int port, String username, char[] password, int connections) throws IOException {
            try {
                for (int c = 0; c < connections; c++) {
                    Socket socket = RespSocket.connect(host, port, username, password);
                    sockets.add(socket);
                    outs.add(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
                    RespSocket.Reader in = new RespSocket.Reader(new BufferedInputStream(socket.getInputStream(), 1 << 16));
                    Thread reader = new Thread(() -> readReplies(in), "bench-load-replies-" + sockets.size());
                    reader.setDaemon(true);
                    reader.start();
                }
            } catch (IOException e) {
                close();
                throw e;
            }
        }

        private void readReplies(RespSocket.Reader in) {
            try {
                while (true) {
                    in.expect(':'); // PUBLISH answers with the number of receivers
                    in.integerLine();
                    answered.incrementAndGet();
                }
            } catch (IOException e) {
                failure = e;
            }
        }

        @Override
        void publish(int connection, byte[] channel, byte[] message) {
            if (failure != null) {
                throw new UncheckedIOException("Redis refused or dropped the load's connection", failure);
            }
            OutputStream out = outs.get(connection % outs.size());
            try {
                out.write(PUBLISH);
                length(out, channel.length);
                out.write(channel);
                out.write(CRLF);
                out.write('$');
                length(out, message.length);
                out.write(message);
                out.write(CRLF);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            sent++;
        }

        /** A length and its CRLF, without a String. */
        private void length(OutputStream out, int n) throws IOException {
            int at = digits.length;
            digits[--at] = '\n';
            digits[--at] = '\r';
            do {
                digits[--at] = (byte) ('0' + n % 10);
                n /= 10;
            } while (n > 0);
            out.write(digits, at, digits.length - at);
        }

        @Override
        void flush() {
            try {
                for (OutputStream out : outs) {
                    out.flush();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        long unanswered() {
            if (failure != null) {
                throw new UncheckedIOException("Redis refused or dropped the load's connection", failure);
            }
            return sent - answered.get();
        }

        @Override
        public void close() {
            for (Socket s : sockets) {
                try {
                    s.close();
                } catch (IOException e) {
                    // closing: nothing more to send
                }
            }
        }
    }

    /** Lettuce, for TLS: commands queued with auto-flush off. */
    private static final class Lettuce extends LoadPublisher {
        private final RedisClient client;
        private final List<StatefulRedisConnection<byte[], byte[]>> connections = new ArrayList<>();
        private final AtomicLong inFlight = new AtomicLong();

        Lettuce(RedisClient client, int count) {
            this.client = client;
            for (int c = 0; c < count; c++) {
                StatefulRedisConnection<byte[], byte[]> conn = client.connect(ByteArrayCodec.INSTANCE);
                conn.setAutoFlushCommands(false);
                connections.add(conn);
            }
        }

        @Override
        void publish(int connection, byte[] channel, byte[] message) {
            inFlight.incrementAndGet();
            connections.get(connection % connections.size()).async().publish(channel, message)
                    .whenComplete((r, e) -> inFlight.decrementAndGet());
        }

        @Override
        void flush() {
            connections.forEach(StatefulRedisConnection::flushCommands);
        }

        @Override
        long unanswered() {
            return inFlight.get();
        }

        @Override
        public void close() {
            connections.forEach(StatefulRedisConnection::close);
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    /** On a Redis Cluster: SPUBLISH, each to its channel's master, as relays do there. */
    private static final class Sharded extends LoadPublisher {
        private final io.lettuce.core.cluster.RedisClusterClient client;
        private final io.lettuce.core.cluster.api.StatefulRedisClusterConnection<byte[], byte[]> connection;
        private final AtomicLong answered = new AtomicLong();
        private long sent;

        Sharded(io.lettuce.core.cluster.RedisClusterClient client) {
            this.client = client;
            this.connection = client.connect(ByteArrayCodec.INSTANCE);
            this.connection.setAutoFlushCommands(false);
        }

        @Override
        void publish(int connection, byte[] channel, byte[] message) {
            sent++;
            this.connection.async().spublish(channel, message).whenComplete((n, e) -> answered.incrementAndGet());
        }

        @Override
        void flush() {
            connection.flushCommands();
        }

        @Override
        long unanswered() {
            return sent - answered.get();
        }

        @Override
        public void close() {
            connection.close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
