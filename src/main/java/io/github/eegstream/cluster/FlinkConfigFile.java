package io.github.eegstream.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A cluster's {@code config.yaml}: the project's {@code conf/config.yaml} with the cluster's own
 * settings on top, written with flat keys ({@code rest.port: 8081}), which Flink reads as it reads
 * nested ones.
 */
final class FlinkConfigFile {

    private static final YAMLMapper YAML = new YAMLMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    private FlinkConfigFile() {}

    /** The settings of {@code base} (absent: none), flattened to dotted keys, in file order. */
    static Map<String, JsonNode> read(Path base) {
        Map<String, JsonNode> flat = new LinkedHashMap<>();
        if (Files.isRegularFile(base)) {
            try {
                flatten("", YAML.readTree(base.toFile()), flat);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + base, e);
            }
        }
        return flat;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, JsonNode> into) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return;
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), into);
            }
        } else {
            into.put(prefix, node);
        }
    }

    /** Writes {@code base}'s settings with {@code overrides} replacing or adding keys. */
    static void write(Path base, Map<String, ?> overrides, Path target) {
        ObjectNode out = YAML.createObjectNode();
        read(base).forEach(out::set);
        overrides.forEach((k, v) -> out.set(k, YAML.valueToTree(v)));
        try {
            Files.createDirectories(target.getParent());
            String header = "# Written by eegstream (bin/eeg cluster start) from " + base.toAbsolutePath()
                    + " and the cluster's own settings; rewritten at every start.\n";
            Files.writeString(target, header + YAML.writeValueAsString(out), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }
}
