package io.github.eegstream.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A local cluster's config.yaml: the project's conf/config.yaml, flattened, with the cluster's settings on top. */
class FlinkConfigFileTest {

    @Test
    void theProjectsSettingsAreKeptAndTheClustersReplaceThem(@TempDir Path dir) {
        Path target = dir.resolve("conf/config.yaml");
        FlinkConfigFile.write(Path.of("conf/config.yaml"), Map.of("rest.port", 18081, "heartbeat.interval", "1000 ms"), target);
        Map<String, JsonNode> written = FlinkConfigFile.read(target);
        assertEquals("hashmap", written.get("state.backend.type").asText(), "from conf/config.yaml");
        assertEquals("false", written.get("pipeline.generic-types").asText());
        assertEquals(18081, written.get("rest.port").asInt(), "replaced");
        assertEquals("1000 ms", written.get("heartbeat.interval").asText(), "added");
    }

    @Test
    void aMissingBaseGivesTheClustersSettingsAlone(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("config.yaml");
        FlinkConfigFile.write(dir.resolve("absent.yaml"), Map.of("taskmanager.numberOfTaskSlots", 2), target);
        assertEquals(Map.of("taskmanager.numberOfTaskSlots", 2),
                Map.of("taskmanager.numberOfTaskSlots", FlinkConfigFile.read(target).get("taskmanager.numberOfTaskSlots").asInt()));
        assertEquals(true, Files.readString(target).startsWith("# Written by eegstream"));
    }

    @Test
    void aStackTraceIsSummedUpAsItsExceptionsAndTheFrameThatThrew() {
        String trace = "java.lang.NullPointerException\n\tat a.B.c(B.java:1)\n\tat d.E.f(E.java:2)\n"
                + "Caused by: java.io.IOException: gone\n\tat g.H.i(H.java:3)\n";
        assertEquals("java.lang.NullPointerException; at a.B.c(B.java:1); Caused by: java.io.IOException: gone",
                FlinkRestClient.summarize(trace));
    }
}
