package io.github.eegstream.model;

import java.util.Map;

/** Turns a window's features into named values, e.g. {@code workload=0.62}. */
public interface PredictionModel extends AutoCloseable {

    /** E.g. {@code builtin:indices} or {@code onnx:workload.onnx}. */
    String name();

    String version();

    /**
     * @param features the window's named feature vector (see {@link FeatureVector})
     * @param calibrated the indices mapped to [0, 1] against the user's baseline
     * @return named values, in the order they should be shown
     */
    Map<String, Object> predict(Map<String, Double> features, Map<String, Object> calibrated);

    /** The feature names the model reads (see {@link FeatureVector}); none for the built-in model. */
    default java.util.List<String> featureNames() {
        return java.util.List.of();
    }

    @Override
    default void close() {}
}
