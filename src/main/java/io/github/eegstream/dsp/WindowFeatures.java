package io.github.eegstream.dsp;

import java.util.List;

/**
 * The features of one window.
 *
 * @param channels channel names
 * @param bands the bands, in the order of the power arrays' columns
 * @param absolutePower band power per channel and band, µV² when samples are in µV
 * @param relativePower band power as a share of the sum over all bands, per channel
 * @param quality per channel
 * @param rate the sampling rate used, Hz
 */
public record WindowFeatures(
        String[] channels, List<Band> bands, double[][] absolutePower, double[][] relativePower,
        ChannelQuality[] quality, double rate) {

    /** Index of the band named {@code name}, or -1. */
    public int bandIndex(String name) {
        for (int b = 0; b < bands.size(); b++) {
            if (bands.get(b).name().equals(name)) {
                return b;
            }
        }
        return -1;
    }

    public boolean usable(int channel) {
        return quality[channel].usable();
    }

    /** Mean quality score over the channels, in [0, 1]: the confidence of a prediction. */
    public double meanQuality() {
        double sum = 0;
        for (ChannelQuality q : quality) {
            sum += q.score();
        }
        return sum / quality.length;
    }

    /** Share of channels not usable, in [0, 1]. */
    public double badChannelFraction() {
        int bad = 0;
        for (ChannelQuality q : quality) {
            bad += q.usable() ? 0 : 1;
        }
        return (double) bad / quality.length;
    }

    public boolean anyUsable() {
        return badChannelFraction() < 1;
    }
}
