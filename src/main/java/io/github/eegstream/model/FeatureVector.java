package io.github.eegstream.model;

import io.github.eegstream.dsp.Band;
import io.github.eegstream.dsp.WindowFeatures;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The named features of a window that models and alert rules read, documented in
 * docs/design.md: {@code abs_<band>_<channel>}, {@code rel_<band>_<channel>}, their means over
 * usable channels {@code abs_<band>_mean} and {@code rel_<band>_mean}, the indices
 * ({@code workload}, {@code engagement}, {@code arousal}, {@code valence_asymmetry}),
 * {@code quality_mean}, {@code bad_channel_fraction} and {@code bad_channels} (a count).
 */
public final class FeatureVector {

    private FeatureVector() {}

    /** True if {@code name} is a per-channel feature ({@code abs_<band>_<channel>} or {@code rel_...}). */
    public static boolean isPerChannel(String name) {
        return (name.startsWith("abs_") || name.startsWith("rel_")) && !name.endsWith("_mean");
    }

    public static Map<String, Double> of(WindowFeatures f, Map<String, Double> indices) {
        return of(f, indices, true);
    }

    /**
     * @param perChannel false leaves out the per-channel entries: dozens of names per window that
     *     only models and rules asking for them need
     */
    public static Map<String, Double> of(WindowFeatures f, Map<String, Double> indices, boolean perChannel) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int b = 0; b < f.bands().size(); b++) {
            Band band = f.bands().get(b);
            double absSum = 0;
            double relSum = 0;
            int usable = 0;
            for (int c = 0; c < f.channels().length; c++) {
                if (perChannel) {
                    out.put("abs_" + band.name() + "_" + f.channels()[c], f.absolutePower()[c][b]);
                    out.put("rel_" + band.name() + "_" + f.channels()[c], f.relativePower()[c][b]);
                }
                if (f.usable(c)) {
                    absSum += f.absolutePower()[c][b];
                    relSum += f.relativePower()[c][b];
                    usable++;
                }
            }
            out.put("abs_" + band.name() + "_mean", usable == 0 ? 0 : absSum / usable);
            out.put("rel_" + band.name() + "_mean", usable == 0 ? 0 : relSum / usable);
        }
        out.putAll(indices);
        out.put("quality_mean", f.meanQuality());
        out.put("bad_channel_fraction", f.badChannelFraction());
        out.put("bad_channels", (double) Math.round(f.badChannelFraction() * f.channels().length));
        return out;
    }
}
