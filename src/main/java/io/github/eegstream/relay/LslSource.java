package io.github.eegstream.relay;

import io.github.eegstream.lsl.ChannelFormat;
import io.github.eegstream.lsl.LslClock;
import io.github.eegstream.lsl.LslResolver;
import io.github.eegstream.lsl.LslSample;
import io.github.eegstream.lsl.StreamFeed;
import io.github.eegstream.lsl.StreamInfo;
import io.github.eegstream.lsl.TimeProbe;
import io.github.eegstream.wire.RawSamples;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Samples from a Lab Streaming Layer stream, stamped in Unix time.
 *
 * <p>LSL timestamps are in the outlet's monotonic clock. They are mapped to this host's clock with
 * LSL time correction (refreshed every few seconds), then to Unix time with this host's wall
 * clock (read once per connection), so timestamps from relays on different hosts compare as well
 * as the hosts' clocks do.
 *
 * <p>When the stream goes away (outlet closed, restarted, network lost), the source looks for it
 * again (by its source_id, else the original query), reconnects, says how long the gap was and
 * how many sample periods it spans, and goes on. It never gives up.
 */
public final class LslSource implements SampleSource {

    private static final int MAX_CHUNK = 256;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final long CORRECTION_REFRESH_SECONDS = 5;

    private final String query;
    private final LslResolver resolver;
    private final Consumer<String> status;
    private volatile StreamInfo info;
    private String[] channels;
    private StreamFeed feed;
    private volatile double correction;
    private double unixOffset;
    private final java.util.concurrent.ScheduledExecutorService clock =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "lsl-time-correction");
                t.setDaemon(true);
                return t;
            });
    private double lastUnix = Double.NaN;
    private volatile boolean closed;

    /**
     * Resolves and connects to the first stream matching {@code query}.
     *
     * @param status where to report connections, gaps and recoveries (the relay's screen)
     * @throws IllegalArgumentException if no stream matches within {@code timeout}, or it is a
     *     string (marker) stream
     */
    public LslSource(String query, LslResolver resolver, Duration timeout, Consumer<String> status) throws IOException {
        this.query = query;
        this.resolver = resolver;
        this.status = status;
        List<StreamInfo> found = resolver.resolve(query, 1, timeout);
        if (found.isEmpty()) {
            throw new IllegalArgumentException("no LSL stream matches " + describe(query) + " (looked for "
                    + timeout.toSeconds() + " s); is its outlet running? 'eeg lsl list' shows the visible streams");
        }
        StreamInfo first = found.get(0);
        if (first.format() == ChannelFormat.STRING) {
            throw new IllegalArgumentException("LSL stream '" + first.name() + "' carries strings (markers): the relay "
                    + "publishes numeric EEG; choose an EEG stream with --lsl-type, --lsl-name or --lsl-source-id");
        }
        connect(first);
        this.channels = info.channelNames();
        // Probing takes half a second: never on the reading thread.
        clock.scheduleWithFixedDelay(this::refreshCorrection, CORRECTION_REFRESH_SECONDS, CORRECTION_REFRESH_SECONDS,
                java.util.concurrent.TimeUnit.SECONDS);
    }

    private void connect(StreamInfo found) throws IOException {
        StreamInfo full;
        try {
            full = LslResolver.fullInfo(found, CONNECT_TIMEOUT);
        } catch (IOException e) {
            full = found; // labels are a nicety: Ch0.. will do
        }
        StreamFeed opened = StreamFeed.connect(full, CONNECT_TIMEOUT);
        this.info = full;
        this.feed = opened;
        this.unixOffset = LslClock.toUnixOffset(); // once per connection: sample spacing stays exact
        refreshCorrection();
    }

    private void refreshCorrection() {
        StreamInfo current = info;
        try {
            double c = TimeProbe.measure(new InetSocketAddress(current.address(), current.servicePort()));
            if (!Double.isNaN(c)) {
                correction = c;
            }
        } catch (IOException e) {
            // keep the last correction: the next refresh will try again
        }
    }

    public StreamInfo info() {
        return info;
    }

    /** Seconds added to the outlet's timestamps to get this host's LSL clock. */
    public double timeCorrection() {
        return correction;
    }

    @Override
    public String[] channels() {
        return channels.clone();
    }

    @Override
    public double rate() {
        return info.nominalRate();
    }

    @Override
    public RawSamples read() throws InterruptedException {
        while (!closed) {
            try {
                LslSample s = feed.next();
                if (s != null) {
                    return chunk(s);
                }
                lost("the outlet closed the stream");
            } catch (IOException e) {
                if (closed) {
                    return null;
                }
                lost(e.getMessage());
            }
            recover();
        }
        return null;
    }

    /** The sample, and as many more as have already arrived (at most 256). */
    private RawSamples chunk(LslSample first) throws IOException {
        int width = channels.length;
        double toUnix = correction + unixOffset;
        double[] timestamps = new double[MAX_CHUNK];
        double[] values = new double[MAX_CHUNK * width];
        int n = 0;
        LslSample s = first;
        while (true) {
            timestamps[n] = s.timestamp() + toUnix;
            System.arraycopy(s.values(), 0, values, n * width, width);
            n++;
            if (n == MAX_CHUNK || !feed.hasBuffered()) {
                break;
            }
            s = feed.next();
            if (s == null) {
                break;
            }
        }
        if (!Double.isNaN(lastUnix) && timestamps[0] - lastUnix > 1.5 / Math.max(info.nominalRate(), 1) + 0.5) {
            reportGap(timestamps[0]);
        }
        lastUnix = timestamps[n - 1];
        return new RawSamples(channels, Arrays.copyOf(timestamps, n), Arrays.copyOf(values, n * width), info.nominalRate());
    }

    private void lost(String why) {
        status.accept("LSL stream '" + info.name() + "' lost (" + why + "); looking for it again");
        try {
            feed.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    /** Resolves the same stream again (by source_id when it has one) until it is back. */
    private void recover() throws InterruptedException {
        String again = info.sourceId().isEmpty() ? query : "source_id='" + info.sourceId().replace("'", "") + "'";
        while (!closed) {
            try {
                List<StreamInfo> found = resolver.resolve(again, 1, Duration.ofSeconds(1));
                if (!found.isEmpty()) {
                    connect(found.get(0));
                    status.accept("LSL stream '" + info.name() + "' found again; reconnected");
                    return;
                }
            } catch (IOException e) {
                // not back yet
            }
            Thread.sleep(500);
        }
    }

    private void reportGap(double resumedAt) {
        double gap = resumedAt - lastUnix;
        long missed = Math.max(0, Math.round(gap * info.nominalRate()) - 1);
        status.accept(String.format(Locale.ROOT, "LSL stream '%s': gap of %.2f s in its timestamps (%d samples at %.0f Hz "
                + "were not received)", info.name(), gap, missed, info.nominalRate()));
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "LSL stream '%s' (%s, %d channels %s, %s @ %.0f Hz, source_id '%s') at %s",
                info.name(), info.type(), info.channelCount(), String.join(",", channels), info.format().xmlName(),
                info.nominalRate(), info.sourceId(), info.address().getHostAddress());
    }

    @Override
    public void close() {
        closed = true;
        clock.shutdownNow();
        try {
            feed.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static String describe(String query) {
        return query == null || query.isBlank() ? "(any stream)" : "\"" + query + "\"";
    }
}
