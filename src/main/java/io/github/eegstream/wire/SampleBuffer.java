package io.github.eegstream.wire;

import java.util.Arrays;

/**
 * A growable first-in first-out store of samples of one stream: what a relay batches into chunks
 * and what the prediction job windows. Not thread-safe.
 *
 * <p>It has a no-argument constructor and bean accessors so that Flink keeps it in keyed state
 * with its POJO serializer; use {@link #append}, {@link #take} and {@link #drop} otherwise.
 */
public final class SampleBuffer {

    private String[] channels = new String[0];
    private double rate;
    private double[] timestamps = new double[0];
    private double[] values = new double[0];
    private int size;

    public SampleBuffer() {}

    /**
     * Appends samples. A stream whose channel layout changes starts over: what was buffered for
     * the old layout cannot be combined with the new one.
     *
     * @return true if buffered samples were discarded because the layout changed
     */
    public boolean append(RawSamples samples) {
        boolean reset = false;
        if (channels != samples.channels()) {
            if (!Arrays.equals(channels, samples.channels())) {
                reset = size > 0;
                size = 0;
            }
            // The same layout in another array (a restored or copied state's): compared once, then
            // the decoder's shared array is kept, so that its next messages compare by reference.
            channels = samples.channels();
        }
        if (samples.rate() > 0) {
            rate = samples.rate();
        }
        int n = samples.sampleCount();
        int width = channels.length;
        ensureCapacity(size + n);
        System.arraycopy(samples.timestamps(), 0, timestamps, size, n);
        System.arraycopy(samples.values(), 0, values, size * width, n * width);
        size += n;
        return reset;
    }

    /** Copies the first {@code n} samples out, without removing them. */
    public RawSamples take(int n) {
        if (n < 1 || n > size) {
            throw new IllegalArgumentException("cannot take " + n + " of " + size + " samples");
        }
        int width = channels.length;
        return new RawSamples(
                channels, Arrays.copyOf(timestamps, n), Arrays.copyOf(values, n * width), rate);
    }

    /** Removes the first {@code n} samples (all of them if fewer are buffered). */
    public void drop(int n) {
        int k = Math.min(n, size);
        int width = channels.length;
        System.arraycopy(timestamps, k, timestamps, 0, size - k);
        System.arraycopy(values, k * width, values, 0, (size - k) * width);
        size -= k;
    }

    /** Removes everything; the layout is forgotten too. */
    public void clear() {
        size = 0;
        channels = new String[0];
        timestamps = new double[0];
        values = new double[0];
    }

    /** Number of samples buffered. */
    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Timestamp of buffered sample {@code i}. */
    public double timestampAt(int i) {
        return timestamps[i];
    }

    private void ensureCapacity(int samples) {
        if (timestamps.length < samples) {
            int capacity = Math.max(samples, timestamps.length * 2);
            timestamps = Arrays.copyOf(timestamps, capacity);
            values = Arrays.copyOf(values, capacity * channels.length);
        } else if (values.length < samples * channels.length) {
            values = Arrays.copyOf(values, timestamps.length * channels.length);
        }
    }

    // Bean accessors for Flink's POJO serializer.

    public String[] getChannels() {
        return channels;
    }

    public void setChannels(String[] channels) {
        this.channels = channels;
    }

    public double getRate() {
        return rate;
    }

    public void setRate(double rate) {
        this.rate = rate;
    }

    public double[] getTimestamps() {
        return timestamps;
    }

    public void setTimestamps(double[] timestamps) {
        this.timestamps = timestamps;
    }

    public double[] getValues() {
        return values;
    }

    public void setValues(double[] values) {
        this.values = values;
    }

    public int getSize() {
        return size;
    }

    public void setSize(int size) {
        this.size = size;
    }
}
