package io.github.eegstream.dsp;

import java.util.List;

/**
 * The features of one window.
 *
 * @param channels channel names
 * @param bands the bands, in the order of {@code bandPower}'s columns
 * @param bandPower absolute band power per channel and band (µV² when samples are in µV)
 * @param usable per channel: finite, not flat and not saturated, so fit to predict from
 * @param rate the sampling rate used, Hz
 */
public record WindowFeatures(String[] channels, List<Band> bands, double[][] bandPower, boolean[] usable, double rate) {

    /** Index of the band named {@code name}, or -1. */
    public int bandIndex(String name) {
        for (int b = 0; b < bands.size(); b++) {
            if (bands.get(b).name().equals(name)) {
                return b;
            }
        }
        return -1;
    }

    /** Share of usable channels, in [0, 1]. */
    public double usableFraction() {
        int n = 0;
        for (boolean u : usable) {
            n += u ? 1 : 0;
        }
        return (double) n / usable.length;
    }
}
