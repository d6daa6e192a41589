package io.github.eegstream.model;

import io.github.eegstream.dsp.Band;
import io.github.eegstream.dsp.WindowFeatures;
import java.util.LinkedHashMap;
import java.util.List;
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
        return of(f, indices, perChannel, new Names());
    }

    /** As {@link #of(WindowFeatures, Map, boolean)}, the names taken from {@code names}. */
    public static Map<String, Double> of(WindowFeatures f, Map<String, Double> indices, boolean perChannel, Names names) {
        Map<String, Double> out = new LinkedHashMap<>();
        String[][] layout = names.of(f.bands(), f.channels());
        for (int b = 0; b < f.bands().size(); b++) {
            String[] bandNames = layout[b];
            double absSum = 0;
            double relSum = 0;
            int usable = 0;
            for (int c = 0; c < f.channels().length; c++) {
                if (perChannel) {
                    out.put(bandNames[2 + 2 * c], f.absolutePower()[c][b]);
                    out.put(bandNames[3 + 2 * c], f.relativePower()[c][b]);
                }
                if (f.usable(c)) {
                    absSum += f.absolutePower()[c][b];
                    relSum += f.relativePower()[c][b];
                    usable++;
                }
            }
            out.put(bandNames[0], usable == 0 ? 0 : absSum / usable);
            out.put(bandNames[1], usable == 0 ? 0 : relSum / usable);
        }
        out.putAll(indices);
        out.put("quality_mean", f.meanQuality());
        out.put("bad_channel_fraction", f.badChannelFraction());
        out.put("bad_channels", (double) Math.round(f.badChannelFraction() * f.channels().length));
        return out;
    }

    /**
     * The feature names of the channel layouts seen lately, built once per layout rather than
     * once per window: concatenating them was a fifth of what the job allocated at 10,000 windows
     * a second (docs/performance.md). Bounded: the {@value #LAYOUTS} layouts used last, and none
     * of more than {@value #MAX_LAYOUT_CHANNELS} channels or whose channel names are longer than
     * {@value #MAX_CHARS} characters together (built each time instead). Not thread-safe: one per
     * {@link WindowAnalysis}.
     */
    public static final class Names {
        static final int LAYOUTS = 32;
        static final int MAX_CHARS = 4096;
        static final int MAX_LAYOUT_CHANNELS = 128;

        private final Map<List<Object>, String[][]> cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<List<Object>, String[][]> eldest) {
                return size() > LAYOUTS;
            }
        };

        /**
         * Per band: {@code abs_<band>_mean}, {@code rel_<band>_mean}, then per channel
         * {@code abs_<band>_<channel>} and {@code rel_<band>_<channel>}.
         */
        String[][] of(List<Band> bands, String[] channels) {
            List<Object> key = java.util.Arrays.asList(bands, java.util.Arrays.asList(channels));
            String[][] names = cache.get(key);
            if (names == null) {
                names = build(bands, channels);
                long chars = 0;
                for (String c : channels) {
                    chars += c.length();
                }
                if (chars <= MAX_CHARS && channels.length <= MAX_LAYOUT_CHANNELS) {
                    cache.put(List.of(List.copyOf(bands), List.of(channels.clone())), names);
                }
            }
            return names;
        }

        /** Layouts held. */
        int cached() {
            return cache.size();
        }

        private static String[][] build(List<Band> bands, String[] channels) {
            String[][] names = new String[bands.size()][];
            for (int b = 0; b < names.length; b++) {
                String band = bands.get(b).name();
                String[] n = new String[2 + 2 * channels.length];
                n[0] = "abs_" + band + "_mean";
                n[1] = "rel_" + band + "_mean";
                for (int c = 0; c < channels.length; c++) {
                    n[2 + 2 * c] = "abs_" + band + "_" + channels[c];
                    n[3 + 2 * c] = "rel_" + band + "_" + channels[c];
                }
                names[b] = n;
            }
            return names;
        }
    }
}
