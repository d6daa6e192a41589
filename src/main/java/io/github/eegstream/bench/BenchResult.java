package io.github.eegstream.bench;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * What {@code eeg bench} measured: the load, the job's run under it, and, with a baseline, the
 * original consumer's run under the same load and the ratios of the two. {@code eeg bench --json}
 * prints it as one JSON object, with these names.
 */
@JsonPropertyOrder({"users", "rate_hz", "channels", "chunk", "duration_s", "eegstream", "baseline", "ratio"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BenchResult(
        @JsonProperty("users") int users,
        @JsonProperty("rate_hz") double rateHz,
        @JsonProperty("channels") int channels,
        @JsonProperty("chunk") int chunk,
        @JsonProperty("duration_s") double durationSeconds,
        @JsonProperty("eegstream") Run eegstream,
        @JsonProperty("baseline") Run baseline,
        @JsonProperty("ratio") Ratio ratio) {

    /**
     * One consumer's run: throughput, loss, latency and CPU over the measured part of the load.
     *
     * @param cpuPercentJob the job's process (its own run); null for the baseline
     * @param cpuPercentConsumer the original consumer's process; null for the job's run
     */
    @JsonPropertyOrder({"offered_samples_per_s", "messages_per_s", "consumed_samples_per_s", "predictions_per_s",
        "predictions_expected", "predictions_received", "loss_ratio", "latency_ms", "cpu_percent_job",
        "cpu_percent_consumer", "cpu_percent_load_generator", "cpu_percent_redis"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Run(
            @JsonProperty("offered_samples_per_s") double offeredSamplesPerSecond,
            @JsonProperty("messages_per_s") double messagesPerSecond,
            @JsonProperty("consumed_samples_per_s") double consumedSamplesPerSecond,
            @JsonProperty("predictions_per_s") double predictionsPerSecond,
            @JsonProperty("predictions_expected") long predictionsExpected,
            @JsonProperty("predictions_received") long predictionsReceived,
            @JsonProperty("loss_ratio") double lossRatio,
            @JsonProperty("latency_ms") Latency latencyMillis,
            @JsonProperty("cpu_percent_job") Double cpuPercentJob,
            @JsonProperty("cpu_percent_consumer") Double cpuPercentConsumer,
            @JsonProperty("cpu_percent_load_generator") double cpuPercentLoadGenerator,
            @JsonProperty("cpu_percent_redis") double cpuPercentRedis) {

        /** This run with its CPU use. */
        Run withCpu(Double job, Double consumer, double loadGenerator, double redis) {
            return new Run(offeredSamplesPerSecond, messagesPerSecond, consumedSamplesPerSecond, predictionsPerSecond,
                    predictionsExpected, predictionsReceived, lossRatio, latencyMillis, job, consumer, loadGenerator, redis);
        }
    }

    /** Latency percentiles of predictions, in milliseconds (NaN without any). */
    @JsonPropertyOrder({"p50", "p95", "p99", "max"})
    public record Latency(
            @JsonProperty("p50") double p50,
            @JsonProperty("p95") double p95,
            @JsonProperty("p99") double p99,
            @JsonProperty("max") double max) {}

    /** The job against the baseline: how many times its consumed samples/s, and how many times lower its p99 latency. */
    @JsonPropertyOrder({"consumed_samples_per_s", "p99_latency"})
    public record Ratio(
            @JsonProperty("consumed_samples_per_s") double consumedSamplesPerSecond,
            @JsonProperty("p99_latency") double p99Latency) {}

    /** The pipelined sink against one round trip per record ({@code eeg bench --sink N}). */
    @JsonPropertyOrder({"records", "pipelined_per_s", "round_trip_per_s", "ratio"})
    public record Sink(
            @JsonProperty("records") long records,
            @JsonProperty("pipelined_per_s") double pipelinedPerSecond,
            @JsonProperty("round_trip_per_s") double roundTripPerSecond,
            @JsonProperty("ratio") double ratio) {}
}
