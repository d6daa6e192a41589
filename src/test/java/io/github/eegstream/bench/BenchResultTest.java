package io.github.eegstream.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** {@code eeg bench --json} prints the result under the names and in the order it always had. */
class BenchResultTest {

    @Test
    void jsonKeepsItsNamesAndOrder() throws Exception {
        BenchResult.Latency latency = new BenchResult.Latency(1.5, 2.5, 3.5, 9.0);
        BenchResult.Run ours = new BenchResult.Run(1280.0, 1280.0, 1200.0, 12.0, 30, 30, 0.0, latency, null, null, 0, 0)
                .withCpu(40.0, null, 10.0, 5.0);
        BenchResult.Run theirs = new BenchResult.Run(1280.0, 1280.0, 600.0, 6.0, 30, 15, 0.5, latency, null, null, 0, 0)
                .withCpu(null, 90.0, 10.0, 5.0);
        BenchResult result = new BenchResult(5, 256.0, 8, 1, 3.0, ours, theirs, new BenchResult.Ratio(2.0, 1.0));
        String run = "\"offered_samples_per_s\":1280.0,\"messages_per_s\":1280.0,\"consumed_samples_per_s\":%s,"
                + "\"predictions_per_s\":%s,\"predictions_expected\":30,\"predictions_received\":%s,\"loss_ratio\":%s,"
                + "\"latency_ms\":{\"p50\":1.5,\"p95\":2.5,\"p99\":3.5,\"max\":9.0},";
        assertEquals("{\"users\":5,\"rate_hz\":256.0,\"channels\":8,\"chunk\":1,\"duration_s\":3.0,"
                + "\"eegstream\":{" + String.format(run, "1200.0", "12.0", "30", "0.0")
                + "\"cpu_percent_job\":40.0,\"cpu_percent_load_generator\":10.0,\"cpu_percent_redis\":5.0},"
                + "\"baseline\":{" + String.format(run, "600.0", "6.0", "15", "0.5")
                + "\"cpu_percent_consumer\":90.0,\"cpu_percent_load_generator\":10.0,\"cpu_percent_redis\":5.0},"
                + "\"ratio\":{\"consumed_samples_per_s\":2.0,\"p99_latency\":1.0}}",
                new ObjectMapper().writeValueAsString(result));
        assertEquals("{\"users\":5,\"rate_hz\":256.0,\"channels\":8,\"chunk\":1,\"duration_s\":3.0,\"eegstream\":{"
                + String.format(run, "1200.0", "12.0", "30", "0.0")
                + "\"cpu_percent_job\":40.0,\"cpu_percent_load_generator\":10.0,\"cpu_percent_redis\":5.0}}",
                new ObjectMapper().writeValueAsString(new BenchResult(5, 256.0, 8, 1, 3.0, ours, null, null)));
        assertEquals("{\"records\":100,\"pipelined_per_s\":5000.0,\"round_trip_per_s\":1000.0,\"ratio\":5.0}",
                new ObjectMapper().writeValueAsString(new BenchResult.Sink(100, 5000.0, 1000.0, 5.0)));
    }
}
