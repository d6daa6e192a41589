package io.github.eegstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.eegstream.testing.TestRedis;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The benchmark counts right: what it offers, what comes back, and what it calls loss. Not a timing test. */
class BenchCommandTest {

    @Test
    void aSmallLoadIsFullyPredictedAndReportedAsJson() throws Exception {
        JsonNode result = bench("--users", "5", "--duration", "3", "--warmup", "0", "--ceiling-seconds", "1");
        JsonNode r = result.get("eegstream");
        double offered = r.get("offered_samples_per_s").asDouble();
        assertTrue(offered > 5 * 256 * 0.8 && offered < 5 * 256 * 1.2, "5 users at 256 Hz: " + offered);
        assertTrue(r.get("predictions_expected").asLong() >= 5 * 6, r.toString()); // 3 s, staggered starts: 6-7 windows each
        // At least every window (each user's partial window, flushed as its stream ends, may come too).
        assertTrue(r.get("predictions_received").asLong() >= r.get("predictions_expected").asLong(), r.toString());
        assertEquals(0.0, r.get("loss_ratio").asDouble());
        for (String p : new String[] {"p50", "p95", "p99"}) {
            assertTrue(r.get("latency_ms").get(p).asDouble() > 0, p);
        }
        assertTrue(r.has("consumed_samples_per_s") && r.has("cpu_percent_job"));
        // Unpaced, the same messages go through Redis far faster than 5 users offer them.
        double ceiling = result.get("ceiling_samples_per_s").asDouble();
        assertTrue(ceiling > 10 * offered, "ceiling " + ceiling + " vs offered " + offered);
        assertEquals(r.get("consumed_samples_per_s").asDouble() / ceiling, result.get("fraction_of_ceiling").asDouble(), 1e-9);
        assertTrue(r.get("load_generator_lateness_ms").get("p99").asDouble() >= 0, r.toString());
        JsonNode perMillion = r.get("cpu_s_per_million_samples");
        assertTrue(perMillion.get("job").asDouble() > 0 && perMillion.get("load_generator").asDouble() > 0
                && perMillion.has("redis"), perMillion.toString());
        // The job's own counters over the whole run, read from its web UI: a light load loses nothing anywhere.
        JsonNode counters = result.get("job_counters");
        for (String name : new String[] {"droppedMessages", "droppedOverChannelShare", "disconnects", "sampleGaps",
            "rateLimitedSamples", "overflowSamples"}) {
            assertEquals(0, counters.get(name).asLong(), name + " in " + counters);
        }
    }

    @Test
    void theMeasuredPartGoesOnFromTheWarmUpAndCountsOnlyItsOwnWindows() throws Exception {
        JsonNode r = bench("--users", "6", "--duration", "3", "--warmup", "3", "--ceiling-seconds", "0").get("eegstream");
        // 3 s (768 samples) of streams already running, 100-sample windows: 7 or 8 end in it per
        // user, not the 15 of the whole run; every one of them predicted, none of the warm-up's counted.
        long expected = r.get("predictions_expected").asLong();
        assertTrue(expected >= 6 * 7 && expected <= 6 * 8, r.toString());
        assertTrue(r.get("predictions_received").asLong() >= expected, r.toString());
        assertEquals(0.0, r.get("loss_ratio").asDouble(), r.toString());
        double offered = r.get("offered_samples_per_s").asDouble();
        assertTrue(offered > 6 * 256 * 0.9 && offered < 6 * 256 * 1.1, "measured part only: " + offered);
    }

    /** Runs {@code eeg bench ARGS --json} against the test Redis; its JSON result. */
    private static JsonNode bench(String... args) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int exit;
        try {
            java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("bench"));
            command.addAll(java.util.List.of(args));
            command.addAll(java.util.List.of("--json", "--redis", TestRedis.endpoint().url()));
            exit = Eeg.commandLine().execute(command.toArray(String[]::new));
        } finally {
            System.setOut(original);
        }
        assertEquals(0, exit);
        String out = captured.toString(StandardCharsets.UTF_8).trim();
        return new ObjectMapper().readTree(out.substring(out.lastIndexOf("\n") + 1));
    }
}
