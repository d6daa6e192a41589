package io.github.eegstream.relay;

import io.github.eegstream.sim.SimulatedEeg;
import io.github.eegstream.wire.RawSamples;
import java.util.List;
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

    /**
     * Settings: {@code workload} (0 to 1), {@code detached} and {@code railed} (lists of channel
     * names; empty to reattach), {@code blinks_per_minute}, {@code line_noise} (µV) with
     * {@code line_frequency} (50 or 60).
     */
    @Override
    public String apply(Map<String, Object> settings) {
        StringBuilder done = new StringBuilder();
        for (Map.Entry<String, Object> e : settings.entrySet()) {
            Object v = e.getValue();
            switch (e.getKey()) {
                case "workload" -> eeg.setWorkload(number(e.getKey(), v));
                case "detached" -> eeg.setDetached(names(e.getKey(), v));
                case "railed" -> eeg.setRailed(names(e.getKey(), v));
                case "blinks_per_minute" -> eeg.setBlinksPerMinute(number(e.getKey(), v));
                case "line_noise" -> eeg.setLineNoise(number(e.getKey(), v),
                        settings.containsKey("line_frequency") ? number("line_frequency", settings.get("line_frequency")) : 50);
                case "line_frequency" -> { } // read with line_noise
                default -> throw new IllegalArgumentException("unknown setting '" + e.getKey() + "' (the simulator has: "
                        + "workload, detached, railed, blinks_per_minute, line_noise, line_frequency)");
            }
            done.append(done.length() == 0 ? "" : " ").append(e.getKey()).append('=').append(format(v));
        }
        return done.toString();
    }

    private static double number(String key, Object v) {
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException(key + " must be a number");
        }
        return n.doubleValue();
    }

    private static List<String> names(String key, Object v) {
        if (v instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        if (v instanceof String s) {
            return s.isBlank() || s.equals("none") ? List.of() : List.of(s.split("\\s*,\\s*"));
        }
        throw new IllegalArgumentException(key + " must be a list of channel names");
    }

    private static String format(Object v) {
        return v instanceof Double d ? String.format(Locale.ROOT, "%.2f", d) : String.valueOf(v);
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "simulated EEG, %d channels @ %.0f Hz", channels.length, eeg.rate());
    }
}
