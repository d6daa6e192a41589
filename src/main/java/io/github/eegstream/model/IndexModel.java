package io.github.eegstream.model;

import java.util.Map;

/**
 * {@code builtin:indices}: the user-calibrated {@link Indices} as the prediction: workload,
 * engagement, arousal and (when frontal sites allow) valence, each in [0, 1].
 */
public final class IndexModel implements PredictionModel {

    public static final String NAME = "builtin:indices";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String version() {
        return "2";
    }

    @Override
    public Map<String, Object> predict(Map<String, Double> features, Map<String, Object> calibrated) {
        return calibrated;
    }
}
