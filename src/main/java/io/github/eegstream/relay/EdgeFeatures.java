package io.github.eegstream.relay;

import io.github.eegstream.dsp.WindowBuffer;
import io.github.eegstream.dsp.Windowing;
import io.github.eegstream.model.UserState;
import io.github.eegstream.model.WindowAnalysis;
import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.Features;
import io.github.eegstream.wire.RawSamples;
import io.github.eegstream.wire.WireCodec;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The job's features computed at the edge: a {@link SampleSource} that passes its source's
 * samples on unchanged and, on the side, cuts them into the spec's windows and publishes each
 * window's features to {@code user:{id}:features} with the same code the job runs
 * ({@link Windowing}, {@link WindowAnalysis}). With it, a consumer of features (the original
 * design's batch consumer) needs no streaming job at all.
 */
public final class EdgeFeatures implements SampleSource {

    private final SampleSource source;
    private final Windowing windowing;
    private final WindowAnalysis analysis;
    private final WindowBuffer buffer = new WindowBuffer();
    private final UserState state = new UserState();
    private final StatefulRedisConnection<byte[], byte[]> publisher;
    private final byte[] channel;
    private final WireCodec codec = new WireCodec();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    public EdgeFeatures(SampleSource source, String userId, Windowing windowing, WindowAnalysis.Settings settings,
            RedisClient client) {
        this.source = source;
        this.windowing = windowing;
        this.analysis = new WindowAnalysis(settings);
        this.channel = Channel.of(userId, ChannelKind.FEATURES).name().getBytes(StandardCharsets.UTF_8);
        this.publisher = client.connect(ByteArrayCodec.INSTANCE);
    }

    @Override
    public String[] channels() {
        return source.channels();
    }

    @Override
    public double rate() {
        return source.rate();
    }

    @Override
    public RawSamples read() throws InterruptedException {
        RawSamples s = source.read();
        if (s != null) {
            windowing.add(buffer, s, this::publish);
        }
        return s;
    }

    private void publish(RawSamples window) {
        try {
            WindowAnalysis.Result r = analysis.analyze(window, false, state); // null: too few samples, or no rate
            if (r == null || r.features() == null) {
                return;
            }
            if (!publisher.isOpen()) {
                skipped.incrementAndGet(); // Redis away: a late burst of old features helps no one
                return;
            }
            // Asynchronous: the samples' path never waits for the features' PUBLISH.
            publisher.async().publish(channel, codec.encode(r.features())).whenComplete((n, error) -> {
                if (error == null) {
                    published.incrementAndGet();
                } else if (failures.getAndIncrement() == 0) {
                    System.err.println("relay: could not publish features: " + error.getMessage());
                }
            });
        } catch (RuntimeException e) {
            // Features are a side path: whatever goes wrong there, the raw samples go on.
            if (failures.getAndIncrement() == 0) {
                System.err.println("relay: features of a window failed, the samples go on: " + e);
            }
        }
    }

    /** Features messages Redis has acknowledged. */
    public long featuresPublished() {
        return published.get();
    }

    @Override
    public String apply(Map<String, Object> settings) {
        return source.apply(settings);
    }

    @Override
    public String describe() {
        return source.describe() + ", with features at the edge";
    }

    @Override
    public void close() {
        try {
            source.close();
        } finally {
            publisher.close();
            analysis.close();
        }
    }
}
