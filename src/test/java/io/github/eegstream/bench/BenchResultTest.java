package io.github.eegstream.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** {@code eeg bench --json} prints the result under the names and in the order it always had, and the new ones after. */
class BenchResultTest {

    private static final BenchResult.Latency LATENCY = new BenchResult.Latency(1.5, 2.5, 3.5, 9.0);
    private static final BenchResult.Latency LATE = new BenchResult.Latency(0.5, 1.0, 2.0, 4.0);

    @Test
    void jsonKeepsItsNamesAndOrder() throws Exception {
        BenchResult.Run ours = new BenchResult.Run(1280.0, 1280.0, 1200.0, 12.0, 30, 30, 0.0, LATENCY, LATE, null, null, 0, 0, null)
                .withCpu(40.0, null, 10.0, 5.0);
        BenchResult.Run theirs = new BenchResult.Run(1280.0, 1280.0, 600.0, 6.0, 30, 15, 0.5, LATENCY, LATE, null, null, 0, 0, null)
                .withCpu(null, 90.0, 10.0, 5.0);
        BenchResult result = new BenchResult(5, 256.0, 8, 1, 3.0, 4800.0, 0.25, ours, theirs, new BenchResult.Ratio(2.0, 1.0));
        String run = "\"offered_samples_per_s\":1280.0,\"messages_per_s\":1280.0,\"consumed_samples_per_s\":%s,"
                + "\"predictions_per_s\":%s,\"predictions_expected\":30,\"predictions_received\":%s,\"loss_ratio\":%s,"
                + "\"latency_ms\":{\"p50\":1.5,\"p95\":2.5,\"p99\":3.5,\"max\":9.0},"
                + "\"load_generator_lateness_ms\":{\"p50\":0.5,\"p95\":1.0,\"p99\":2.0,\"max\":4.0},";
        // CPU per million samples: 40 % of a core at 1,200 consumed samples/s is 0.4 / 1200 * 1e6 s.
        String ourCpu = "\"cpu_percent_job\":40.0,\"cpu_percent_load_generator\":10.0,\"cpu_percent_redis\":5.0,"
                + "\"cpu_s_per_million_samples\":{\"job\":" + 0.4 / 1200 * 1e6 + ",\"load_generator\":" + 0.1 / 1280 * 1e6
                + ",\"redis\":" + 0.05 / 1280 * 1e6 + "}";
        String theirCpu = "\"cpu_percent_consumer\":90.0,\"cpu_percent_load_generator\":10.0,\"cpu_percent_redis\":5.0,"
                + "\"cpu_s_per_million_samples\":{\"consumer\":" + 0.9 / 600 * 1e6 + ",\"load_generator\":" + 0.1 / 1280 * 1e6
                + ",\"redis\":" + 0.05 / 1280 * 1e6 + "}";
        String head = "{\"users\":5,\"rate_hz\":256.0,\"channels\":8,\"chunk\":1,\"duration_s\":3.0,";
        assertEquals(head + "\"ceiling_samples_per_s\":4800.0,\"fraction_of_ceiling\":0.25,"
                + "\"eegstream\":{" + String.format(run, "1200.0", "12.0", "30", "0.0") + ourCpu + "},"
                + "\"baseline\":{" + String.format(run, "600.0", "6.0", "15", "0.5") + theirCpu + "},"
                + "\"ratio\":{\"consumed_samples_per_s\":2.0,\"p99_latency\":1.0}}",
                new ObjectMapper().writeValueAsString(result));
        assertEquals(head + "\"eegstream\":{" + String.format(run, "1200.0", "12.0", "30", "0.0") + ourCpu + "}}",
                new ObjectMapper().writeValueAsString(new BenchResult(5, 256.0, 8, 1, 3.0, null, null, ours, null, null)),
                "without a ceiling (over TLS, or --ceiling-seconds 0) its fields are left out");
        assertEquals("{\"records\":100,\"pipelined_per_s\":5000.0,\"round_trip_per_s\":1000.0,\"ratio\":5.0}",
                new ObjectMapper().writeValueAsString(new BenchResult.Sink(100, 5000.0, 1000.0, 5.0)));
    }

    @Test
    void nothingConsumedGivesNoCpuPerMillion() throws Exception {
        BenchResult.Run idle = new BenchResult.Run(1280.0, 1280.0, 0.0, 0.0, 30, 0, 1.0, LATENCY, LATE, null, null, 0, 0, null)
                .withCpu(40.0, null, 10.0, 5.0);
        JsonNode perMillion = new ObjectMapper().valueToTree(idle).get("cpu_s_per_million_samples");
        assertTrue(!perMillion.has("job") && perMillion.has("load_generator"), perMillion.toString());
    }

    @Test
    void percentilesComeFromTheHistogramInMilliseconds() {
        Histogram micros = new Histogram(3_600_000_000L, 3);
        for (int v = 1; v <= 1000; v++) {
            micros.recordValue(v * 1000L); // 1 ms to 1000 ms
        }
        BenchResult.Latency l = BenchResult.Latency.ofMicros(micros);
        assertEquals(500, l.p50(), 500 * 0.001);
        assertEquals(950, l.p95(), 950 * 0.001);
        assertEquals(990, l.p99(), 990 * 0.001);
        assertEquals(1000, l.max(), 1000 * 0.001);
        assertTrue(Double.isNaN(BenchResult.Latency.ofMicros(new Histogram(3)).p99()), "no data: NaN, not 0");
    }
}
