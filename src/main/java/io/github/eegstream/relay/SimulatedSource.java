package io.github.eegstream.relay;

import io.github.eegstream.sim.SimulatedEeg;
import io.github.eegstream.wire.RawSamples;
import java.util.Locale;
import java.util.Map;

/**
 * Simulated EEG paced in real time, stamped with the wall clock: sample {@code i} carries
 * {@code start + i / rate} seconds since the epoch, as a device clock mapped to Unix time would.
 */
public final class SimulatedSource implements SampleSource {

    private final SimulatedEeg eeg;
    private final String[] channels;
    private double startEpochSeconds;
    private long startNanos;
    private boolean started;
    private long produced;

    public SimulatedSource(int channelCount, double rate, long seed) {
        this.eeg = new SimulatedEeg(channelCount, rate, seed);
        this.channels = eeg.channels();
    }

    public SimulatedEeg eeg() {
        return eeg;
    }

    @Override
    public String[] channels() {
        return channels.clone();
    }

    @Override
    public double rate() {
        return eeg.rate();
    }

    @Override
    public RawSamples read() throws InterruptedException {
        if (!started) { // the simulated device is switched on by the first read, not when it is built
            started = true;
            startEpochSeconds = System.currentTimeMillis() / 1000.0;
            startNanos = System.nanoTime();
        }
        long due = dueSamples();
        while (due <= produced) {
            long nextAt = startNanos + (long) Math.ceil(produced * 1e9 / eeg.rate());
            long waitNanos = Math.max(nextAt - System.nanoTime(), 100_000);
            Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
            due = dueSamples();
        }
        int n = (int) Math.min(due - produced, (long) Math.ceil(eeg.rate())); // at most 1 s at once
        double[] timestamps = new double[n];
        double[] values = new double[n * channels.length];
        double[] row = new double[channels.length];
        for (int s = 0; s < n; s++, produced++) {
            timestamps[s] = startEpochSeconds + produced / eeg.rate();
            eeg.next(row);
            System.arraycopy(row, 0, values, s * channels.length, channels.length);
        }
        return new RawSamples(channels, timestamps, values, eeg.rate());
    }

    private long dueSamples() {
        return (long) Math.floor((System.nanoTime() - startNanos) * 1e-9 * eeg.rate()) + 1;
    }

    @Override
    public String apply(Map<String, Object> settings) {
        StringBuilder done = new StringBuilder();
        for (Map.Entry<String, Object> e : settings.entrySet()) {
            if (!e.getKey().equals("workload")) {
                throw new IllegalArgumentException("unknown setting '" + e.getKey() + "' (the simulator has: workload)");
            }
            if (!(e.getValue() instanceof Number n)) {
                throw new IllegalArgumentException("workload must be a number between 0 and 1");
            }
            eeg.setWorkload(n.doubleValue());
            done.append(String.format(Locale.ROOT, "workload=%.2f", n.doubleValue()));
        }
        return done.toString();
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "simulated EEG, %d channels @ %.0f Hz", channels.length, eeg.rate());
    }
}
