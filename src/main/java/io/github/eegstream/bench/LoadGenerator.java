package io.github.eegstream.bench;

import io.github.eegstream.sim.SimulatedEeg;
import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.RawSamples;
import io.github.eegstream.wire.WireCodec;
import io.github.eegstream.redis.RedisEndpoint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Many simulated relays in one thread: each user publishes {@code rate} samples per second, one
 * message per sample or in chunks, paced by the clock. Users start evenly staggered over one second,
 * as real users connect at random times: their messages, and so their windows, do not come in
 * lockstep whatever the window's hop. Sample {@code i} of a user is stamped with the
 * wall-clock time it became due, so latency counts from when the sample existed.
 *
 * <p>The generator measures its own lateness: for every message, how long after its last sample
 * became due it was handed to the socket. A generator that falls behind its schedule stamps its
 * samples with times already past, which would otherwise read as the job's latency.
 *
 * <p>{@link #flood} publishes the same messages as fast as Redis takes them, for the ceiling.
 */
public final class LoadGenerator implements AutoCloseable {

    private static final long TICK_NANOS = 1_000_000;
    private static final int MAX_IN_FLIGHT = 100_000;
    /**
     * In flood, how many bytes of messages the publisher may be ahead of what the subscriber
     * counted: 4 MiB in Redis's output buffer for it, far below the 32 MB at which Redis
     * disconnects a subscriber, and enough (28,000 per-sample messages, 1,500 chunks of 32) that
     * the subscriber never waits for the publisher.
     */
    static final int FLOOD_AHEAD_BYTES = 4 << 20;

    private final List<String> users;
    private final double rate;
    private final int chunk;
    private final MessageTemplates templates;
    private final LoadPublisher out;
    private final long[] published;
    private long messagesSent;
    private final Lateness lateness = new Lateness();

    public LoadGenerator(RedisEndpoint endpoint, List<String> users, double rate, int channelCount, int chunk,
            int connectionCount) {
        this.users = List.copyOf(users);
        this.rate = rate;
        this.chunk = chunk;
        this.templates = new MessageTemplates(new SimulatedEeg(channelCount, rate, 7), rate, chunk);
        this.published = new long[users.size()];
        this.out = LoadPublisher.open(endpoint, connectionCount);
    }

    /** Publishes for {@code duration}, paced, then returns once Redis has answered every PUBLISH. */
    public void run(Duration duration) throws InterruptedException {
        run(Duration.ZERO, duration, Marks.NONE);
    }

    /**
     * What a paced run tells as it goes: {@link #starting} before the first message, with the
     * wall-clock time its users' timelines start from, and {@link #measuring} once, when the
     * warm-up is over (the lateness recorded so far is forgotten then).
     */
    public interface Marks {
        Marks NONE = new Marks() {
            @Override
            public void starting(double startWall) {}

            @Override
            public void measuring() {}
        };

        /** The run starts: user {@code u}'s sample 0 is due at {@link #userStart}{@code (startWall, u, n)}. */
        void starting(double startWall);

        /** The warm-up is over: what follows is measured. */
        void measuring();
    }

    /**
     * Publishes for {@code warmup}, then for {@code measured} more, paced and without a pause
     * between the two: every user's timeline goes on across the mark, as a real relay's does, so
     * the measured part starts in the steady state the warm-up reached (a pause or a fresh start
     * there gives every user a gap, and the job a burst of late windows, that no real load has).
     * Returns once Redis has answered every PUBLISH.
     */
    public void run(Duration warmup, Duration measured, Marks marks) throws InterruptedException {
        double startWall = System.currentTimeMillis() / 1000.0;
        long startNanos = System.nanoTime();
        long mark = startNanos + warmup.toNanos();
        long end = mark + measured.toNanos();
        boolean measuring = false;
        int n = users.size();
        byte[][] channelNames = channelNames();
        long[] offsetNanos = new long[n];
        for (int u = 0; u < n; u++) {
            offsetNanos[u] = offsetNanos(u, n);
        }
        marks.starting(startWall);
        for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
            if (!measuring && now >= mark) {
                measuring = true;
                lateness.histogram().reset();
                marks.measuring();
            }
            for (int u = 0; u < n; u++) {
                long sinceStart = now - startNanos - offsetNanos[u];
                if (sinceStart < 0) {
                    continue;
                }
                long due = (long) Math.floor(sinceStart * rate / 1e9) + 1; // samples due so far
                if (published[u] + chunk > due) {
                    continue;
                }
                double start = startWall + offsetNanos[u] / 1e9;
                while (published[u] + chunk <= due) {
                    long first = published[u];
                    out.publish(u, channelNames[u], templates.message(u, first, start));
                    lateness.due(startNanos + offsetNanos[u] + dueNanos(first + chunk - 1, rate));
                    published[u] += chunk;
                }
            }
            out.flush();
            lateness.sent(System.nanoTime());
            while (out.unanswered() > MAX_IN_FLIGHT) {
                Thread.onSpinWait();
            }
            long next = now + TICK_NANOS - System.nanoTime();
            if (next > 0) {
                Thread.sleep(next / 1_000_000, (int) (next % 1_000_000));
            }
        }
        if (!measuring) {
            marks.measuring(); // a warm-up as long as the run: an empty measured part, still marked
        }
        awaitReplies();
    }

    /** User {@code u} of {@code n} starts this long after the run: evenly staggered over one second. */
    private static long offsetNanos(int u, int n) {
        return 1_000_000_000L * u / n;
    }

    /** When user {@code u} of {@code n}'s sample 0 is stamped, in a run that started at {@code startWall} (Unix seconds). */
    public static double userStart(double startWall, int u, int n) {
        return startWall + offsetNanos(u, n) / 1e9;
    }

    /**
     * User {@code u} of {@code n}'s first sample stamped at or after {@code from} (Unix seconds),
     * in a run that started at {@code startWall}: the first of its measured part.
     */
    public static long firstSampleFrom(double startWall, int u, int n, double rate, double from) {
        return Math.max(0, (long) Math.ceil((from - userStart(startWall, u, n)) * rate));
    }

    /**
     * Publishes the same messages (each user's next, round robin) as fast as Redis delivers them
     * to {@code subscriber}, pipelined, at most {@link #FLOOD_AHEAD_BYTES} ahead of what it
     * counted, for {@code duration}: what this Redis can deliver.
     */
    public void flood(Duration duration, CountingSubscriber subscriber) throws InterruptedException {
        double startWall = System.currentTimeMillis() / 1000.0;
        long end = System.nanoTime() + duration.toNanos();
        int n = users.size();
        byte[][] channelNames = channelNames();
        int u = 0;
        long ahead = Math.max(64, FLOOD_AHEAD_BYTES / templates.message(0, 0, startWall).length);
        while (System.nanoTime() < end) {
            for (int batch = 0; batch < 64; batch++) {
                out.publish(u, channelNames[u], templates.message(u, published[u], startWall));
                published[u] += chunk;
                messagesSent++;
                u = u + 1 == n ? 0 : u + 1;
            }
            out.flush();
            while (messagesSent - subscriber.count() > ahead && subscriber.failure() == null) {
                LockSupport.parkNanos(20_000); // spinning would take the core Redis and the subscriber need
            }
        }
        awaitReplies();
    }

    private void awaitReplies() throws InterruptedException {
        while (out.unanswered() > 0) {
            Thread.sleep(1);
        }
    }

    private byte[][] channelNames() {
        byte[][] names = new byte[users.size()][];
        for (int u = 0; u < names.length; u++) {
            names[u] = Channel.of(users.get(u), ChannelKind.RAW).name().getBytes(StandardCharsets.UTF_8);
        }
        return names;
    }

    /** When sample {@code i} of a user is due at {@code rate}, in nanoseconds after the user's start. */
    static long dueNanos(long i, double rate) {
        return (long) Math.ceil(i * 1e9 / rate);
    }

    /** Messages published by {@link #flood} so far. */
    public long messagesSent() {
        return messagesSent;
    }

    /** Samples published for user {@code u}. */
    public long samplesPublished(int u) {
        return published[u];
    }

    /** How late the messages were handed to the socket, in microseconds (paced runs only). */
    public Histogram lateness() {
        return lateness.histogram();
    }

    @Override
    public void close() {
        out.close();
    }

    /**
     * The generator's lateness: each message's due time (when its last sample became due) is
     * noted as it is queued, and when the queue has gone to the socket, every message noted since
     * is recorded as that late, in microseconds (never negative: a message cannot be early).
     */
    static final class Lateness {
        private final Histogram micros = new Histogram(3_600_000_000L, 3);
        private long[] due = new long[1024];
        private int pending;

        /** A message due at {@code dueNanos} ({@link System#nanoTime}) was queued. */
        void due(long dueNanos) {
            if (pending == due.length) {
                due = java.util.Arrays.copyOf(due, pending * 2);
            }
            due[pending++] = dueNanos;
        }

        /** What was queued went to the socket at {@code sentNanos}. */
        void sent(long sentNanos) {
            for (int m = 0; m < pending; m++) {
                micros.recordValue(Math.max(0, (sentNanos - due[m]) / 1000));
            }
            pending = 0;
        }

        Histogram histogram() {
            return micros;
        }
    }

    /**
     * The generator's messages, encoded once per distinct content: a user's chunk starting at
     * sample {@code i} carries the rows {@code (i + 37 u) mod 1024} onwards of a fixed table of
     * simulated EEG, so there are at most 1024 different payloads but for their first timestamp.
     * Each is encoded with a marker timestamp whose float64 bytes are then overwritten per message:
     * a relay's message for the cost of a copy, where encoding each one took most of the
     * generator's CPU and made it late at high rates.
     */
    static final class MessageTemplates {

        /** A timestamp no float32 represents (so it is written as float64) and no sample value equals. */
        static final double MARKER = 1_234_567_890.123_456_7;
        private static final int TABLE = 1024;

        private final String[] channels;
        private final double[][] table;
        private final double rate;
        private final int chunk;
        private final WireCodec codec = new WireCodec();
        private final byte[][] encoded = new byte[TABLE][];
        private final int[] markerAt = new int[TABLE];

        MessageTemplates(SimulatedEeg eeg, double rate, int chunk) {
            this.channels = eeg.channels();
            this.table = new double[TABLE][channels.length];
            for (double[] row : table) {
                eeg.next(row);
            }
            this.rate = rate;
            this.chunk = chunk;
        }

        /**
         * User {@code user}'s message of samples {@code first} to {@code first + chunk - 1}, the
         * user's sample 0 due at {@code start} (Unix seconds). A fresh array: Lettuce may still
         * still hold the previous one.
         */
        byte[] message(int user, long first, double start) {
            int row = (int) ((first + user * 37L) % TABLE);
            if (encoded[row] == null) {
                encoded[row] = codec.encode(raw(row, MARKER));
                markerAt[row] = markerOffset(encoded[row]);
            }
            byte[] out = encoded[row].clone();
            long bits = Double.doubleToRawLongBits(start + first / rate);
            for (int b = 0; b < 8; b++) {
                out[markerAt[row] + b] = (byte) (bits >>> (56 - 8 * b));
            }
            return out;
        }

        /** The message {@link #message} stands for, built and encoded the ordinary way. */
        RawSamples raw(int row, double t0) {
            int w = channels.length;
            double[] ts = new double[chunk];
            double[] values = new double[chunk * w];
            for (int s = 0; s < chunk; s++) {
                ts[s] = t0 + s / rate; // how a chunking relay stamps: t0 and the rate reproduce every timestamp
                System.arraycopy(table[(row + s) % TABLE], 0, values, s * w, w);
            }
            return chunk == 1 ? RawSamples.single(ts[0], channels, values) : new RawSamples(channels, ts, values, rate);
        }

        /** Where the marker's 8 bytes follow its float64 tag (0xcb); exactly one must be there. */
        private static int markerOffset(byte[] message) {
            long bits = Double.doubleToRawLongBits(MARKER);
            int found = -1;
            for (int i = 0; i + 9 <= message.length; i++) {
                if (message[i] != (byte) 0xcb) {
                    continue;
                }
                boolean match = true;
                for (int b = 0; b < 8 && match; b++) {
                    match = message[i + 1 + b] == (byte) (bits >>> (56 - 8 * b));
                }
                if (match) {
                    if (found >= 0) {
                        throw new IllegalStateException("the marker timestamp appears twice in a message");
                    }
                    found = i + 1;
                }
            }
            if (found < 0) {
                throw new IllegalStateException("the message carries no float64 timestamp to set");
            }
            return found;
        }
    }
}
