package io.github.eegstream.dsp;

/**
 * The signal quality of one channel over one window.
 *
 * <p>{@code score} is 0 for a channel with no usable signal (non-finite, flat or railed); otherwise
 * 1, less 0.5 for an artifact and less 0.3 for excessive line noise. A channel is {@linkplain
 * #usable() usable} for predictions when its score is above 0.5.
 */
public record ChannelQuality(
        double score, boolean nonFinite, boolean flat, boolean railed, boolean artifact, boolean lineNoise,
        double peakToPeak, double lineNoiseRatio) {

    public boolean usable() {
        return score > 0.5;
    }

    /** The problems found, e.g. {@code flat} or {@code artifact,line_noise}; empty for a good channel. */
    public String problems() {
        StringBuilder b = new StringBuilder();
        if (nonFinite) {
            b.append("non_finite,");
        }
        if (flat) {
            b.append("flat,");
        }
        if (railed) {
            b.append("railed,");
        }
        if (artifact) {
            b.append("artifact,");
        }
        if (lineNoise) {
            b.append("line_noise,");
        }
        return b.length() == 0 ? "" : b.substring(0, b.length() - 1);
    }
}
