package io.github.eegstream.testing;

import io.github.eegstream.sim.SimulatedEeg;
import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.RawSamples;
import io.github.eegstream.wire.WireCodec;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;

/** Publishes test messages as a relay (or anyone else) would. */
public final class Publisher implements AutoCloseable {

    private final StatefulRedisConnection<byte[], byte[]> connection =
            TestRedis.client().connect(ByteArrayCodec.INSTANCE);
    private final WireCodec codec = new WireCodec();

    public void publish(String channel, byte[] payload) {
        connection.sync().publish(channel.getBytes(StandardCharsets.UTF_8), payload);
    }

    public void publish(String channel, String text) {
        publish(channel, text.getBytes(StandardCharsets.UTF_8));
    }

    public void publishRaw(String user, RawSamples samples) {
        publish(Channel.of(user, ChannelKind.RAW).name(), codec.encode(samples));
    }

    /**
     * Publishes {@code n} simulated samples one message each (the seed's form), sample {@code i}
     * stamped {@code t0 + i / rate}, and returns them.
     */
    public RawSamples publishSamples(String user, int n, double rate, double t0, int channels, long seed) {
        SimulatedEeg eeg = new SimulatedEeg(channels, rate, seed);
        String[] names = eeg.channels();
        double[] timestamps = new double[n];
        double[] values = new double[n * channels];
        double[] row = new double[channels];
        for (int i = 0; i < n; i++) {
            timestamps[i] = t0 + i / rate;
            eeg.next(row);
            System.arraycopy(row, 0, values, i * channels, channels);
            publishRaw(user, RawSamples.single(timestamps[i], names, row.clone()));
        }
        return new RawSamples(names, timestamps, values, rate);
    }

    @Override
    public void close() {
        connection.close();
    }
}
