package io.github.eegstream.model;

import java.nio.file.Path;

/**
 * Creates a model from its name in a job spec: {@code builtin:indices} or {@code onnx:<path>}.
 * For an ONNX model, the file's bytes are read once where the spec is read and travel with the
 * job, so the machines that run it need no copy of the file.
 */
public final class PredictionModels {

    private PredictionModels() {}

    /**
     * @param modelBytes an ONNX model's bytes, or null to read the file named in {@code name}
     * @throws IllegalArgumentException naming the models available, or what is wrong with the ONNX
     *     file, so a job fails when it starts, never per window
     */
    public static PredictionModel create(String name, byte[] modelBytes) {
        if (IndexModel.NAME.equals(name)) {
            return new IndexModel();
        }
        if (isOnnx(name)) {
            Path path = onnxPath(name);
            return modelBytes != null ? new OnnxModel(path.getFileName().toString(), modelBytes) : OnnxModel.load(path);
        }
        throw new IllegalArgumentException(
                "unknown model '" + name + "': use " + IndexModel.NAME + " or onnx:<path to .onnx file>");
    }

    public static boolean isOnnx(String name) {
        return name != null && name.startsWith("onnx:");
    }

    public static Path onnxPath(String name) {
        return Path.of(name.substring("onnx:".length()));
    }
}
