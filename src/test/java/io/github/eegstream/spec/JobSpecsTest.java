package io.github.eegstream.spec;

import io.github.eegstream.dsp.Length;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobSpecsTest {

    @TempDir
    Path dir;

    @Test
    void builtInSpecsLoadByNameAndByPath() {
        JobSpec byDefault = JobSpecs.load("default");
        assertEquals(Length.seconds(2), byDefault.window().size());
        assertEquals(Length.seconds(0.5), byDefault.window().hop());
        assertEquals(Duration.ofMillis(5), byDefault.pipeline().bufferTimeout());
        assertEquals(List.of(4.0, 8.0), byDefault.features().bands().get("theta"));

        JobSpec seed = JobSpecs.load("jobs/seed-compatible.yaml");
        assertEquals(Length.samples(100), seed.window().size());
        assertEquals(Length.samples(100), seed.window().hop());
        assertEquals("workload", seed.model().predictionType());
        assertEquals(byDefault.sink(), seed.sink(), "what a spec does not state comes from the default");
    }

    @Test
    void everySpecShippedInJobsLoads() throws Exception {
        try (var files = Files.list(Path.of("jobs"))) {
            List<Path> specs = files.filter(f -> f.toString().endsWith(".yaml")).toList();
            assertTrue(specs.size() >= 5, specs.toString());
            for (Path spec : specs) {
                JobSpec s = JobSpecs.load(spec.toString());
                assertEquals(spec.getFileName().toString().replace(".yaml", ""), s.name(), "name matches the file");
                new io.github.eegstream.model.WindowAnalysis(s.analysis()).close(); // model and rules load
            }
        }
        assertEquals(Length.seconds(5), JobSpecs.load("batch-5s").window().hop());
    }

    @Test
    void everySpecInJobsIsListedAsBuiltIn() throws Exception {
        try (var files = Files.list(Path.of("jobs"))) {
            List<String> shipped = files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".yaml"))
                    .map(f -> f.replace(".yaml", "")).sorted().toList();
            assertEquals(shipped, java.util.Arrays.stream(JobSpecs.BUILT_IN).sorted().toList());
        }
        assertEquals(SourceMode.STREAMS, JobSpecs.load("durable").source().mode());
        assertTrue(JobSpecs.load("durable").source().durable());
        assertEquals(SourceMode.PUBSUB, JobSpecs.load("default").source().mode());
        assertMessage("source.mode must be pubsub or streams, was 'kafka'",
                () -> JobSpecs.load(write("source:\n  mode: kafka\n")));
    }

    @Test
    void durationsReadAsFlinksConfigurationWritesThem() {
        assertEquals(Duration.ofSeconds(10), Durations.parse("10 s"));
        assertEquals(Duration.ofSeconds(2), Durations.parse("2s"));
        assertEquals(Duration.ofMillis(500), Durations.parse("500 ms"));
        assertEquals(Duration.ofMillis(5), Durations.parse("5ms"));
        assertEquals(Duration.ofMillis(250), Durations.parse("250"));
        assertEquals(Duration.ofMinutes(1), Durations.parse("1 min"));
        assertEquals(Duration.ofMinutes(3), Durations.parse("3m"));
        assertEquals(Duration.ofHours(24), Durations.parse("24h"));
        assertEquals(Duration.ofDays(2), Durations.parse("2 days"));
        assertEquals(Duration.ofSeconds(7), Durations.parse(" 7 Seconds "));
        assertEquals(Duration.ofNanos(1500), Durations.parse("1500ns"));
        assertEquals(Duration.ofNanos(3000), Durations.parse("3µs"));
        assertEquals(Duration.ZERO, Durations.parse("0"));
        assertEquals(Duration.ofSeconds(5), Durations.parse("PT5S"));
        for (String bad : new String[] {"", "  ", "s", "1.5s", "5 fortnights", "-1s", "PT-5S", "99999999999999999999d"}) {
            assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), bad);
        }
        assertMessage("does not match any of the recognized units",
                () -> JobSpecs.load(write("sink:\n  flush-interval: 2 fortnights\n")));
    }

    @Test
    void aSpecFileOverridesOnlyWhatItStates() throws Exception {
        Path spec = dir.resolve("fast.yaml");
        Files.writeString(spec, "name: fast\nwindow:\n  size: 256\n  hop: 64 samples\nsink:\n  flush-interval: 1ms\n");
        JobSpec s = JobSpecs.load(spec.toString());
        assertEquals("fast", s.name());
        assertEquals(Length.samples(256), s.window().size());
        assertEquals(Length.samples(64), s.window().hop());
        assertEquals(Duration.ofMillis(1), s.sink().flushInterval());
        assertEquals(512, s.sink().batchSize());
        assertEquals("eegstream:fast", s.predictionSource());
    }

    @Test
    void aSpecFileWithoutANameIsNamedAfterItsFileNotDefault() throws Exception {
        Path spec = Files.writeString(dir.resolve("night-shift.yml"), "window:\n  hop: 1s\n");
        assertEquals("night-shift", JobSpecs.load(spec.toString()).name(), "its own checkpoint directory, not default's");
        assertEquals("named", JobSpecs.load(Files.writeString(dir.resolve("x.yaml"), "name: named\n").toString()).name());
        // A file called after a built-in spec would share that spec's checkpoints: refused.
        Path copy = Files.writeString(Files.createDirectory(dir.resolve("mine")).resolve("default.yaml"), "window:\n  hop: 1s\n");
        assertMessage("has no name: and its file name is the built-in spec 'default'", () -> JobSpecs.load(copy.toString()));
        assertMessage("the name 'my spec' is not allowed",
                () -> JobSpecs.load(Files.writeString(dir.resolve("my spec.yaml"), "window:\n  hop: 1s\n").toString()));
        for (String bad : new String[] {"..", "../other", "a/b", "x y", "\"...\""}) {
            assertMessage("is not allowed", () -> JobSpecs.load(write("name: " + bad + "\n")));
        }
    }

    @Test
    void aJobIdNamesTheJobInsteadOfItsSpec() throws Exception {
        JobSpec plain = JobSpecs.load("durable");
        assertEquals("durable", plain.identity());
        assertEquals("eegstream:durable", plain.predictionSource());
        JobSpec study = JobSpecs.load(write("name: study\njob-id: study-a\n"));
        assertEquals("study-a", study.identity(), "its checkpoints, its exactly-once bookkeeping");
        assertEquals("eegstream:study-a", study.predictionSource(), "and its outputs' source");
        assertEquals("b.2", plain.withJobId("b.2").identity());
        for (String bad : new String[] {"..", "a/b", "x y", "a:b"}) {
            assertMessage("is not allowed", () -> JobSpecs.load(write("job-id: \"" + bad + "\"\n")));
        }
    }

    @Test
    void mistakesAreNamedWithTheirPlace() throws Exception {
        assertMessage("no job spec 'nope'", () -> JobSpecs.load("nope"));
        assertMessage("unknown key 'sise' at window.sise", () -> JobSpecs.load(write("window:\n  sise: 2s\n")));
        assertMessage("both be in samples or both in seconds",
                () -> JobSpecs.load(write("window:\n  size: 100 samples\n  hop: 1s\n")));
        assertMessage("hop 3s is longer than its size 2s", () -> JobSpecs.load(write("window:\n  hop: 3s\n")));
        assertMessage("cannot read 'two seconds' as a length",
                () -> JobSpecs.load(write("window:\n  size: two seconds\n")));
        assertMessage("band 'alpha' must be [low, high]", () -> JobSpecs.load(write("features:\n  bands:\n    alpha: [13, 8]\n")));
    }

    @Test
    void lengthsReadAsPeopleWriteThem() {
        assertEquals(Length.samples(100), Length.parse("100 samples"));
        assertEquals(Length.samples(100), Length.parse("100"));
        assertEquals(Length.seconds(2), Length.parse("2s"));
        assertEquals(Length.seconds(0.25), Length.parse("250ms"));
        assertEquals(512, Length.parse("2 seconds").toSamples(256));
        assertThrows(IllegalArgumentException.class, () -> Length.parse("1.5 samples"));
        assertThrows(IllegalArgumentException.class, () -> Length.parse("0s"));
    }

    private String write(String yaml) throws Exception {
        Path p = Files.createTempFile(dir, "spec", ".yaml");
        Files.writeString(p, yaml);
        return p.toString();
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }
}
