package io.github.eegstream.lsl;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * An LSL outlet of a numeric stream, wire-compatible with liblsl 1.17 inlets: it answers discovery
 * queries on port 16571 and on its service port, time probes, {@code LSL:fullinfo},
 * {@code LSL:shortinfo} and protocol 1.10 stream feeds (little-endian, every sample with its
 * timestamp). Each client has its own queue of at most its {@code Max-Buffer-Length} samples,
 * dropping the oldest when full, as liblsl does.
 */
public final class LslOutlet implements AutoCloseable {

    private static final int MAX_QUEUE = 1 << 20;
    private static final String[] GROUPS = {"239.255.172.215", "224.0.0.183", "224.0.0.1"};

    private final StreamInfo info;
    private final ServerSocket data;
    private final DatagramSocket service;
    private final MulticastSocket responder;
    private final Set<BlockingQueue<byte[]>> clients = ConcurrentHashMap.newKeySet();
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * Opens the outlet's sockets and starts answering.
     *
     * @param labels channel labels for {@code <desc>}, one per channel
     */
    public LslOutlet(String name, String type, String sourceId, ChannelFormat format, List<String> labels, String unit,
            double nominalRate) throws IOException {
        if (format == ChannelFormat.STRING) {
            throw new IllegalArgumentException("this outlet serves numeric streams only");
        }
        this.data = bindInRange(port -> {
            ServerSocket s = new ServerSocket();
            s.bind(new InetSocketAddress(port));
            return s;
        });
        this.service = bindInRange(port -> new DatagramSocket(new InetSocketAddress(port)));
        this.responder = new MulticastSocket(null);
        responder.setReuseAddress(true);
        responder.bind(new InetSocketAddress(LslResolver.MULTICAST_PORT));
        for (String group : GROUPS) {
            try {
                responder.joinGroup(new InetSocketAddress(InetAddress.getByName(group), 0), null);
            } catch (IOException noMulticastHere) {
                // queries to 127.0.0.1 and broadcast still arrive
            }
        }
        this.info = new StreamInfo(name, type, labels.size(), format, sourceId, nominalRate, 110, LslClock.now(),
                UUID.randomUUID().toString(), "default", InetAddress.getLocalHost().getHostName(), null,
                data.getLocalPort(), service.getLocalPort(), data.getLocalPort(), service.getLocalPort(), labels,
                labels.stream().map(l -> unit).toList());
        start("lsl-data-" + name, this::acceptLoop);
        start("lsl-service-" + name, () -> udpLoop(service, true));
        start("lsl-discovery-" + name, () -> udpLoop(responder, false));
    }

    public StreamInfo info() {
        return info;
    }

    /** Connected stream feeds. */
    public int clients() {
        return clients.size();
    }

    /** Sends one sample, stamped {@code timestamp} in {@link LslClock} seconds, to every client. */
    public void push(double[] values, double timestamp) {
        if (values.length != info.channelCount()) {
            throw new IllegalArgumentException("expected " + info.channelCount() + " values, got " + values.length);
        }
        byte[] sample = encode(values, timestamp);
        for (BlockingQueue<byte[]> queue : clients) {
            while (!queue.offer(sample)) {
                queue.poll(); // full: the oldest sample goes, as in liblsl
            }
        }
    }

    private byte[] encode(double[] values, double timestamp) {
        int size = info.format().valueSize();
        ByteBuffer b = ByteBuffer.allocate(9 + size * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) SampleDecoder.TAG_TRANSMITTED).putDouble(timestamp);
        for (double v : values) {
            switch (info.format()) {
                case FLOAT32 -> b.putFloat((float) v);
                case DOUBLE64 -> b.putDouble(v);
                case INT32 -> b.putInt((int) v);
                case INT16 -> b.putShort((short) v);
                case INT8 -> b.put((byte) v);
                case INT64 -> b.putLong((long) v);
                case STRING -> throw new IllegalStateException();
            }
        }
        return b.array();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = data.accept();
                connections.add(s);
                start("lsl-client", () -> serve(s));
            } catch (IOException e) {
                if (!closed) {
                    sleepQuietly();
                }
            }
        }
    }

    private void serve(Socket socket) {
        BlockingQueue<byte[]> queue = null;
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            String method = line(in);
            if (method.equals("LSL:fullinfo")) {
                out.write(info.toXml(true).getBytes(StandardCharsets.UTF_8));
            } else if (method.equals("LSL:shortinfo")) {
                if (info.matches(line(in))) {
                    out.write(info.toXml(false).getBytes(StandardCharsets.UTF_8));
                }
            } else if (method.startsWith("LSL:streamfeed/")) {
                String[] parts = method.substring("LSL:streamfeed/".length()).trim().split("\\s+");
                long maxBuffer = 0;
                for (String header = line(in); !header.isEmpty(); header = line(in)) {
                    int colon = header.indexOf(':');
                    if (colon > 0 && header.substring(0, colon).trim().equalsIgnoreCase("Max-Buffer-Length")) {
                        maxBuffer = (long) Double.parseDouble(header.substring(colon + 1).split(";")[0].trim());
                    }
                }
                if (Integer.parseInt(parts[0]) / 100 > 1) {
                    out.write("LSL/110 505 Version not supported".getBytes(StandardCharsets.US_ASCII));
                } else if (parts.length > 1 && !parts[1].equals(info.uid())) {
                    out.write("LSL/110 404 Not found".getBytes(StandardCharsets.US_ASCII));
                } else {
                    out.write(("LSL/110 200 OK\r\nUID: " + info.uid() + "\r\nByte-Order: 1234\r\n"
                            + "Suppress-Subnormals: 0\r\nData-Protocol-Version: 110\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    for (int offset : new int[] {4, 2}) {
                        double[] pattern = new double[info.channelCount()];
                        for (int k = 0; k < pattern.length; k++) {
                            pattern[k] = info.format().testValue(k, offset);
                        }
                        out.write(encode(pattern, StreamFeed.TEST_PATTERN_TIME));
                    }
                    out.flush();
                    if (maxBuffer > 0) { // a client that asks for no buffer gets no data, as from liblsl
                        queue = new ArrayBlockingQueue<>((int) Math.min(maxBuffer, MAX_QUEUE));
                        clients.add(queue);
                        stream(queue, out);
                    }
                }
            }
            out.flush();
        } catch (IOException | RuntimeException e) {
            // the client went away or sent nonsense: its connection ends, the outlet goes on
        } finally {
            if (queue != null) {
                clients.remove(queue);
            }
            connections.remove(socket);
        }
    }

    private void stream(BlockingQueue<byte[]> queue, OutputStream out) throws IOException {
        while (!closed) {
            byte[] sample;
            try {
                sample = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (sample == null) {
                continue;
            }
            out.write(sample);
            while ((sample = queue.poll()) != null) {
                out.write(sample);
            }
            out.flush();
        }
    }

    /** Answers discovery queries (both sockets) and time probes (the service socket only). */
    private void udpLoop(DatagramSocket socket, boolean isService) {
        byte[] buffer = new byte[65536];
        while (!closed) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                double received = LslClock.now();
                String text = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
                byte[] reply;
                InetSocketAddress to;
                if (text.startsWith("LSL:shortinfo")) {
                    ShortInfoQuery q = ShortInfoQuery.parse(text);
                    if (!info.matches(q.predicate())) {
                        continue;
                    }
                    reply = ShortInfoQuery.reply(q.queryId(), info).getBytes(StandardCharsets.UTF_8);
                    to = new InetSocketAddress(packet.getAddress(), q.returnPort());
                } else if (isService && text.startsWith("LSL:timedata")) {
                    reply = TimeProbe.reply(text, received, LslClock.now()).getBytes(StandardCharsets.US_ASCII);
                    to = (InetSocketAddress) packet.getSocketAddress();
                } else {
                    continue;
                }
                socket.send(new DatagramPacket(reply, reply.length, to));
            } catch (SocketException e) {
                if (closed) {
                    return;
                }
            } catch (IOException | RuntimeException malformed) {
                // ignore what is not a query, as liblsl does
            }
        }
    }

    private interface Binder<T> {
        T bind(int port) throws IOException;
    }

    /** The first free port of 16572..16603, as liblsl binds; any free port if all are taken. */
    private static <T> T bindInRange(Binder<T> binder) throws IOException {
        for (int p = LslResolver.BASE_PORT; p < LslResolver.BASE_PORT + LslResolver.PORT_RANGE; p++) {
            try {
                return binder.bind(p);
            } catch (BindException taken) {
                // next
            }
        }
        return binder.bind(0);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
            if (c != '\r') {
                b.write(c);
            }
            if (b.size() > 65536) {
                throw new IOException("request line too long");
            }
        }
        return b.toString(StandardCharsets.UTF_8).trim();
    }

    private static void start(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        data.close();
        service.close();
        responder.close();
        for (Socket s : connections) {
            s.close();
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "LSL outlet %s (%s, %d channels, %s, %.0f Hz, source_id %s) on ports %d/%d",
                info.name(), info.type(), info.channelCount(), info.format().xmlName(), info.nominalRate(), info.sourceId(),
                info.v4DataPort(), info.v4ServicePort());
    }
}
