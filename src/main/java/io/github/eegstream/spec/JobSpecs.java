package io.github.eegstream.spec;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.deser.std.FromStringDeserializer;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import io.github.eegstream.model.OnnxModel;
import io.github.eegstream.model.PredictionModels;
import java.util.regex.Pattern;

/**
 * Loads job specs: the one place configuration is read. A spec is a YAML file merged over
 * {@code jobs/default.yaml}, so it only states what differs from the default.
 */
public final class JobSpecs {

    /** Specs shipped in {@code jobs/} (and inside the jar, for clusters). */
    public static final String[] BUILT_IN = {"default", "seed-compatible", "batch-5s", "chunk-aligned", "durable",
        "onnx-workload"};

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .registerModule(new SimpleModule().addDeserializer(Duration.class, new DurationDeserializer()))
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private JobSpecs() {}

    /** Durations as Flink's own configuration writes them: {@code 5s}, {@code 2ms}, {@code 1min} ({@link Durations}). */
    private static final class DurationDeserializer extends FromStringDeserializer<Duration> {
        DurationDeserializer() {
            super(Duration.class);
        }

        @Override
        protected Duration _deserialize(String value, com.fasterxml.jackson.databind.DeserializationContext ctx) {
            return Durations.parse(value);
        }
    }

    /**
     * Refuses a spec name that could not be one directory of its own (the name keys the spec's
     * checkpoint directory): empty, only dots ({@code .}, {@code ..} name the directory itself or
     * its parent), or with anything outside {@code [A-Za-z0-9_.-]} (a {@code /} would nest it, and
     * replacing characters would let two specs share one directory).
     *
     * @throws IllegalArgumentException saying which names are allowed
     */
    public static String requireValidName(String specName) {
        if (specName == null || !NAME.matcher(specName).matches() || specName.chars().allMatch(c -> c == '.')) {
            throw new IllegalArgumentException("the name '" + specName + "' is not allowed: a spec's name or job id names"
                    + " its checkpoint directory, so use letters, digits, '_', '-' and '.' only (not only dots)");
        }
        return specName;
    }

    /**
     * Loads a spec by file path ({@code jobs/seed-compatible.yaml}) or by built-in name
     * ({@code seed-compatible}).
     *
     * @throws IllegalArgumentException saying what is wrong and where
     */
    public static JobSpec load(String nameOrPath) {
        JsonNode defaults = readTree("default", JobSpecs.class.getResourceAsStream("/jobs/default.yaml"));
        Path file = Path.of(nameOrPath);
        JsonNode spec;
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                spec = named(nameOrPath, file, readTree(nameOrPath, in));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read job spec " + file, e);
            }
        } else {
            String name = nameOrPath.replaceFirst("^jobs/", "").replaceFirst("\\.ya?ml$", "");
            InputStream in = JobSpecs.class.getResourceAsStream("/jobs/" + name + ".yaml");
            if (in == null) {
                throw new IllegalArgumentException("no job spec '" + nameOrPath + "': give the path of a YAML file "
                        + "or one of the built-in specs: " + String.join(", ", BUILT_IN));
            }
            spec = readTree(nameOrPath, in);
        }
        return withModelBytes(nameOrPath, validate(nameOrPath, convert(nameOrPath, merge(defaults.deepCopy(), spec))));
    }

    /**
     * A spec file without a {@code name:} is named after its file ({@code fast.yaml}: {@code fast}),
     * not left to inherit {@code default}: the name keys its checkpoint directory (so
     * {@code --restore latest} would take the default spec's state) and its predictions' source.
     * A file name that is a built-in spec's would collide the same way, so it is refused.
     */
    private static JsonNode named(String what, Path file, JsonNode spec) {
        JsonNode name = spec.get("name");
        if (name != null && name.isTextual() && !name.asText().isBlank()) {
            return spec;
        }
        String stem = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        if (JobSpecs.class.getResource("/jobs/" + stem + ".yaml") != null) {
            throw new IllegalArgumentException("job spec " + what + " has no name: and its file name is the built-in spec '"
                    + stem + "', whose checkpoints and prediction source it would share: add a name of its own, e.g. name: my-"
                    + stem);
        }
        ((ObjectNode) spec).put("name", stem);
        return spec;
    }

    /** Reads an ONNX model here, once, so the job carries it to wherever it runs. */
    private static JobSpec withModelBytes(String what, JobSpec spec) {
        JobSpec.Model m = spec.model();
        if (!PredictionModels.isOnnx(m.name())) {
            return spec;
        }
        try {
            byte[] bytes = OnnxModel.read(PredictionModels.onnxPath(m.name()));
            return spec.withModel(new JobSpec.Model(m.name(), m.predictionType(), bytes));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("job spec " + what + ": " + e.getMessage());
        }
    }

    private static JsonNode readTree(String what, InputStream in) {
        if (in == null) {
            throw new IllegalStateException("jobs/default.yaml is missing from the classpath");
        }
        try (in) {
            JsonNode node = YAML.readTree(in);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("job spec " + what + " is not a YAML map");
            }
            return node;
        } catch (IOException e) {
            throw new IllegalArgumentException("job spec " + what + " is not valid YAML: " + e.getMessage(), e);
        }
    }

    private static JsonNode merge(JsonNode base, JsonNode override) {
        if (!(base instanceof ObjectNode b) || !override.isObject()) {
            return override;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = override.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode existing = b.get(e.getKey());
            b.set(e.getKey(), existing == null ? e.getValue() : merge(existing, e.getValue()));
        }
        return b;
    }

    private static JobSpec convert(String what, JsonNode tree) {
        try {
            return YAML.treeToValue(tree, JobSpec.class);
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException("job spec " + what + ": unknown key '" + e.getPropertyName()
                    + "' at " + path(e) + " (known: " + e.getKnownPropertyIds() + ")");
        } catch (IOException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalArgumentException("job spec " + what + ": " + cause.getMessage().split("\n")[0]
                    + (e instanceof com.fasterxml.jackson.databind.JsonMappingException m ? " at " + path(m) : ""));
        }
    }

    private static String path(com.fasterxml.jackson.databind.JsonMappingException e) {
        StringBuilder b = new StringBuilder();
        for (var ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                b.append(b.length() == 0 ? "" : ".").append(ref.getFieldName());
            }
        }
        return b.toString();
    }

    private static JobSpec validate(String what, JobSpec spec) {
        try {
            requireValidName(spec.name());
            if (spec.jobId() != null && !spec.jobId().isBlank()) {
                requireValidName(spec.jobId());
            }
            spec.window().windowing();
            spec.alerts().forEach(io.github.eegstream.model.AlertRule::validate);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("job spec " + what + ": " + e.getMessage());
        }
        SourceMode mode = spec.source().mode();
        if (mode == null) {
            throw new IllegalArgumentException("job spec " + what + ": source.mode must be pubsub or streams, was 'null'");
        }
        if (spec.source().durable() && spec.pipeline().checkpointInterval().isZero()) {
            throw new IllegalArgumentException("job spec " + what + ": source.mode streams needs checkpoints to keep its"
                    + " read positions: set pipeline.checkpoint-interval, e.g. 1s");
        }
        JobSpec.Window w = spec.window();
        if (w.stallTimeout().isNegative() || w.stallTimeout().isZero()) {
            throw new IllegalArgumentException("job spec " + what + ": window.stall-timeout must be positive");
        }
        Duration ttl = spec.state() == null ? null : spec.state().userTtl();
        if (ttl == null || ttl.compareTo(w.stallTimeout()) < 0) {
            throw new IllegalArgumentException("job spec " + what + ": state.user-ttl must be at least window.stall-timeout ("
                    + w.stallTimeout().toSeconds() + "s): a user's state outlives its stall, e.g. 24h");
        }
        if (w.gapAlert() == null || w.gapAlert().isNegative() || w.gapAlert().isZero()) {
            throw new IllegalArgumentException("job spec " + what + ": window.gap-alert must be positive, e.g. 250ms");
        }
        if (w.clockJump() == null || !(w.clockJump().compareTo(w.gapAlert()) > 0)) {
            throw new IllegalArgumentException("job spec " + what + ": window.clock-jump must be longer than window.gap-alert, e.g. 5s");
        }
        JobSpec.Admission a = spec.admission();
        if (!(a.rateFactor() >= 1) || Double.isInfinite(a.rateFactor()) || !(a.maxRate() > 0)
                || a.maxRate() > io.github.eegstream.wire.RawSamples.MAX_RATE || a.burst() == null || a.burst().isNegative()) {
            throw new IllegalArgumentException("job spec " + what + ": admission needs a finite rate-factor >= 1, a max-rate"
                    + " above 0 and at most " + io.github.eegstream.wire.RawSamples.MAX_RATE + ", and a burst >= 0s");
        }
        JobSpec.Source src = spec.source();
        if (src.queueCapacity() < 1 || src.queueBytes() < src.maxMessageBytes() || src.maxMessageBytes() < 1
                || src.fetchEntries() < 1 || src.fetchBytes() < src.maxMessageBytes()) {
            throw new IllegalArgumentException("job spec " + what + ": source needs queue-capacity and fetch-entries >= 1,"
                    + " and queue-bytes and fetch-bytes at least max-message-bytes");
        }
        if (!(spec.features().welchOverlap() >= 0 && spec.features().welchOverlap() < 1)) {
            throw new IllegalArgumentException("job spec " + what + ": features.welch-overlap must be in [0, 1)");
        }
        spec.features().bands().forEach((band, edges) -> {
            if (edges.size() != 2 || !(edges.get(0) >= 0) || !(edges.get(1) > edges.get(0))) {
                throw new IllegalArgumentException("job spec " + what + ": band '" + band
                        + "' must be [low, high] in Hz with 0 <= low < high, was " + edges);
            }
        });
        if ((spec.source().shards() != null && spec.source().shards() != 0) || !spec.source().patterns().isEmpty()) {
            throw new IllegalArgumentException("job spec " + what + ": source.patterns and source.shards are gone:"
                    + " the source shares every user's raw channel over its readers by load by itself; remove them");
        }
        return spec;
    }
}
