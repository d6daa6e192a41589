package io.github.eegstream.model;

import io.github.eegstream.dsp.WindowFeatures;
import java.util.Map;

/** Turns a window's features into named values, e.g. {@code workload=0.62}. */
public interface PredictionModel {

    /** E.g. {@code builtin:indices}. */
    String name();

    String version();

    /** Named values, in the order they should be shown; empty if nothing can be predicted. */
    Map<String, Object> predict(WindowFeatures features);
}
