package io.github.eegstream.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code onnx:<path>}: a model trained anywhere (scikit-learn, PyTorch, ...) and exported to ONNX,
 * run with ONNX Runtime. One session per instance: create it once per task.
 *
 * <p>The model says what it needs in its metadata (custom metadata properties):
 *
 * <ul>
 *   <li>{@code feature_names}: comma-separated names from {@link FeatureVector}, in the order of
 *       the model's single float input of shape [1, n] (or [n]);
 *   <li>{@code output_names} (optional): comma-separated names for the output values, in order
 *       across all outputs; otherwise an output's name, with {@code _<i>} when it holds several.
 * </ul>
 */
public final class OnnxModel implements PredictionModel {

    private final String name;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String inputName;
    private final long[] inputShape;
    private final List<String> featureNames;
    private final List<String> outputNames;
    private final String version;

    /** Reads a model file. @throws IllegalArgumentException if it is missing, unreadable or does not fit */
    public static OnnxModel load(Path path) {
        return new OnnxModel(path.getFileName().toString(), read(path));
    }

    /** Reads a model file's bytes, to ship them with a job. */
    public static byte[] read(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("ONNX model " + path.toAbsolutePath() + " not found");
        }
        try {
            return Files.readAllBytes(path);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read ONNX model " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param fileName for the model's name, {@code onnx:<fileName>}
     * @throws IllegalArgumentException if the model is unreadable or does not fit
     */
    public OnnxModel(String fileName, byte[] model) {
        this.name = "onnx:" + fileName;
        String path = fileName;
        try {
            env = OrtEnvironment.getEnvironment();
            session = env.createSession(model, new OrtSession.SessionOptions());
            Map<String, NodeInfo> inputs = session.getInputInfo();
            if (inputs.size() != 1 || !(inputs.values().iterator().next().getInfo() instanceof TensorInfo tensor)) {
                throw new IllegalArgumentException("ONNX model " + path + " must have one tensor input, has " + inputs.keySet());
            }
            inputName = inputs.keySet().iterator().next();
            inputShape = tensor.getShape();
            Map<String, String> meta = session.getMetadata().getCustomMetadata();
            String features = meta.get("feature_names");
            if (features == null || features.isBlank()) {
                throw new IllegalArgumentException("ONNX model " + path
                        + " has no 'feature_names' metadata: list the input features, comma-separated");
            }
            featureNames = List.of(features.split("\\s*,\\s*"));
            long width = inputShape[inputShape.length - 1];
            if (width > 0 && width != featureNames.size()) {
                throw new IllegalArgumentException("ONNX model " + path + " takes " + width + " inputs but names "
                        + featureNames.size() + " features");
            }
            String outputs = meta.get("output_names");
            outputNames = outputs == null || outputs.isBlank() ? List.of() : List.of(outputs.split("\\s*,\\s*"));
            version = String.valueOf(session.getMetadata().getVersion());
        } catch (OrtException e) {
            throw new IllegalArgumentException("cannot load ONNX model " + path + ": " + e.getMessage(), e);
        }
    }

    /** The feature names the model reads, in input order. */
    @Override
    public List<String> featureNames() {
        return featureNames;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public Map<String, Object> predict(Map<String, Double> features, Map<String, Object> calibrated) {
        float[] input = new float[featureNames.size()];
        for (int i = 0; i < input.length; i++) {
            Double v = features.get(featureNames.get(i));
            if (v == null) {
                throw new IllegalArgumentException(name + " needs feature '" + featureNames.get(i)
                        + "', which this window does not have (channels or bands differ from the model's)");
            }
            input[i] = v.floatValue();
        }
        return run(input);
    }

    /** Runs the model on one input vector; public so tests can compare with Python exactly. */
    public Map<String, Object> run(float[] input) {
        try (OnnxTensor tensor = inputShape.length == 1
                        ? OnnxTensor.createTensor(env, input)
                        : OnnxTensor.createTensor(env, new float[][] {input});
                OrtSession.Result result = session.run(Map.of(inputName, tensor))) {
            Map<String, Object> out = new LinkedHashMap<>();
            int next = 0;
            for (Map.Entry<String, OnnxValue> e : result) {
                double[] values = flatten(e.getValue().getValue());
                for (int i = 0; i < values.length; i++, next++) {
                    String key = next < outputNames.size() ? outputNames.get(next)
                            : values.length == 1 ? e.getKey() : e.getKey() + "_" + i;
                    out.put(key, values[i]);
                }
            }
            return out;
        } catch (OrtException e) {
            throw new IllegalStateException(name + " failed: " + e.getMessage(), e);
        }
    }

    private static double[] flatten(Object value) {
        List<Double> out = new ArrayList<>();
        flatten(value, out);
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void flatten(Object value, List<Double> out) {
        if (value instanceof float[] f) {
            for (float v : f) {
                out.add((double) v);
            }
        } else if (value instanceof double[] d) {
            Arrays.stream(d).forEach(out::add);
        } else if (value instanceof long[] l) {
            Arrays.stream(l).forEach(v -> out.add((double) v));
        } else if (value instanceof Object[] array) {
            for (Object o : array) {
                flatten(o, out);
            }
        } else {
            throw new IllegalStateException("unsupported ONNX output of type " + value.getClass().getSimpleName());
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
