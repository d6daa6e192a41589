package io.github.eegstream.model;

import io.github.eegstream.dsp.WindowFeatures;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code builtin:indices}: classic EEG band-ratio indices, each squashed to [0, 1] by
 * {@code r / (1 + r)} (so a ratio of 1 maps to 0.5):
 *
 * <ul>
 *   <li>workload: θ over frontal sites / α over parietal and occipital sites (all channels when the
 *       labels do not say where they are);
 *   <li>engagement: β / (α + θ);
 *   <li>arousal: β / α;
 *   <li>valence: frontal alpha asymmetry ln α(F4) − ln α(F3), mapped by {@code (1 + tanh(a)) / 2};
 *       only when both sites (or Fp2/Fp1, F8/F7) are present.
 * </ul>
 *
 * Only usable channels count; with none usable, nothing is predicted.
 */
public final class IndexModel implements PredictionModel {

    public static final String NAME = "builtin:indices";

    private static final String[][] ASYMMETRY_PAIRS = {{"F4", "F3"}, {"Fp2", "Fp1"}, {"F8", "F7"}, {"AF4", "AF3"}};

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String version() {
        return "1";
    }

    @Override
    public Map<String, Object> predict(WindowFeatures f) {
        int theta = f.bandIndex("theta");
        int alpha = f.bandIndex("alpha");
        int beta = f.bandIndex("beta");
        if (theta < 0 || alpha < 0 || beta < 0) {
            throw new IllegalArgumentException("builtin:indices needs bands named theta, alpha and beta");
        }
        if (f.usableFraction() == 0) {
            return Map.of();
        }
        double thetaAll = mean(f, theta, Region.ANY);
        double alphaAll = mean(f, alpha, Region.ANY);
        double betaAll = mean(f, beta, Region.ANY);
        double frontalTheta = mean(f, theta, Region.FRONTAL);
        double posteriorAlpha = mean(f, alpha, Region.POSTERIOR);
        boolean located = !Double.isNaN(frontalTheta) && !Double.isNaN(posteriorAlpha);

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("workload", squash(located ? frontalTheta / posteriorAlpha : thetaAll / alphaAll));
        out.put("engagement", squash(betaAll / (alphaAll + thetaAll)));
        out.put("arousal", squash(betaAll / alphaAll));
        Double asymmetry = asymmetry(f, alpha);
        if (asymmetry != null) {
            out.put("valence", (1 + Math.tanh(asymmetry)) / 2);
        }
        return out;
    }

    private static double squash(double ratio) {
        if (!Double.isFinite(ratio)) {
            return ratio > 0 ? 1 : 0.5;
        }
        return ratio / (1 + ratio);
    }

    private static Double asymmetry(WindowFeatures f, int alpha) {
        for (String[] pair : ASYMMETRY_PAIRS) {
            int right = indexOf(f, pair[0]);
            int left = indexOf(f, pair[1]);
            if (right >= 0 && left >= 0 && f.usable()[right] && f.usable()[left]) {
                double r = f.bandPower()[right][alpha];
                double l = f.bandPower()[left][alpha];
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
            if (f.usable()[c] && in(region, f.channels()[c])) {
                sum += f.bandPower()[c][band];
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
