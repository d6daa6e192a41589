package io.github.eegstream.model;

import io.github.eegstream.dsp.WindowFeatures;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Classic EEG band-ratio indices of a window, before any calibration, from usable channels only:
 *
 * <ul>
 *   <li>{@code workload}: θ over frontal sites (F*, AF*) / α over parietal and occipital sites
 *       (P*, O*); θ / α over all channels when the labels do not say where they are;
 *   <li>{@code engagement}: β / (α + θ);
 *   <li>{@code arousal}: β / α;
 *   <li>{@code valence_asymmetry}: frontal alpha asymmetry ln α(F4) − ln α(F3) (else Fp2/Fp1,
 *       F8/F7, AF4/AF3), only when such a pair is usable.
 * </ul>
 */
public final class Indices {

    /** The ratio indices, in the order predictions list them. */
    public static final String[] RATIOS = {"workload", "engagement", "arousal"};
    public static final String ASYMMETRY = "valence_asymmetry";

    private static final String[][] PAIRS = {{"F4", "F3"}, {"Fp2", "Fp1"}, {"F8", "F7"}, {"AF4", "AF3"}};

    private Indices() {}

    /** Index name to value; empty when no channel is usable. */
    public static Map<String, Double> of(WindowFeatures f) {
        int theta = required(f, "theta");
        int alpha = required(f, "alpha");
        int beta = required(f, "beta");
        Map<String, Double> out = new LinkedHashMap<>();
        if (!f.anyUsable()) {
            return out;
        }
        double thetaAll = mean(f, theta, Region.ANY);
        double alphaAll = mean(f, alpha, Region.ANY);
        double betaAll = mean(f, beta, Region.ANY);
        double frontalTheta = mean(f, theta, Region.FRONTAL);
        double posteriorAlpha = mean(f, alpha, Region.POSTERIOR);
        boolean located = !Double.isNaN(frontalTheta) && !Double.isNaN(posteriorAlpha);
        out.put("workload", ratio(located ? frontalTheta : thetaAll, located ? posteriorAlpha : alphaAll));
        out.put("engagement", ratio(betaAll, alphaAll + thetaAll));
        out.put("arousal", ratio(betaAll, alphaAll));
        Double asymmetry = asymmetry(f, alpha);
        if (asymmetry != null) {
            out.put(ASYMMETRY, asymmetry);
        }
        return out;
    }

    /** A ratio kept finite: no power at all in the denominator reads as a very large ratio. */
    private static double ratio(double num, double den) {
        return den > 0 ? num / den : (num > 0 ? 1e6 : 1);
    }

    private static int required(WindowFeatures f, String band) {
        int i = f.bandIndex(band);
        if (i < 0) {
            throw new IllegalArgumentException("the indices need a band named '" + band + "' in features.bands");
        }
        return i;
    }

    private static Double asymmetry(WindowFeatures f, int alpha) {
        for (String[] pair : PAIRS) {
            int right = indexOf(f, pair[0]);
            int left = indexOf(f, pair[1]);
            if (right >= 0 && left >= 0 && f.usable(right) && f.usable(left)) {
                double r = f.absolutePower()[right][alpha];
                double l = f.absolutePower()[left][alpha];
                if (r > 0 && l > 0) {
                    return Math.log(r) - Math.log(l);
                }
            }
        }
        return null;
    }

    private static int indexOf(WindowFeatures f, String label) {
        for (int c = 0; c < f.channels().length; c++) {
            if (f.channels()[c].equalsIgnoreCase(label)) {
                return c;
            }
        }
        return -1;
    }

    private enum Region { ANY, FRONTAL, POSTERIOR }

    private static double mean(WindowFeatures f, int band, Region region) {
        double sum = 0;
        int n = 0;
        for (int c = 0; c < f.channels().length; c++) {
            if (f.usable(c) && in(region, f.channels()[c])) {
                sum += f.absolutePower()[c][band];
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    private static boolean in(Region region, String label) {
        String l = label.toUpperCase(Locale.ROOT);
        return switch (region) {
            case ANY -> true;
            case FRONTAL -> l.startsWith("F") || l.startsWith("AF");
            case POSTERIOR -> l.startsWith("P") || l.startsWith("O");
        };
    }
}
