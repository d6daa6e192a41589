package io.github.eegstream.model;

import java.nio.file.Path;

/** Creates a model from its name in a job spec: {@code builtin:indices} or {@code onnx:<path>}. */
public final class PredictionModels {

    private PredictionModels() {}

    /**
     * @throws IllegalArgumentException naming the models available, or what is wrong with the ONNX
     *     file, so a job fails when it starts, never per window
     */
    public static PredictionModel create(String name) {
        if (IndexModel.NAME.equals(name)) {
            return new IndexModel();
        }
        if (name != null && name.startsWith("onnx:")) {
            return new OnnxModel(Path.of(name.substring("onnx:".length())));
        }
        throw new IllegalArgumentException("unknown model '" + name + "': use " + IndexModel.NAME + " or onnx:<path to .onnx file>");
    }
}
