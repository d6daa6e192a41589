package io.github.eegstream.bench;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.HdrHistogram.Histogram;

/**
 * What {@code eeg bench} measured: the load, the job's run under it, and, with a baseline, the
 * original consumer's run under the same load and the ratios of the two. {@code eeg bench --json}
 * prints it as one JSON object, with these names.
 *
 * @param ceilingSamplesPerSecond what this Redis delivered of the same messages, published
 *     unpaced and pipelined, to one subscriber that only counts them, in the same run; null if
 *     not measured
 * @param fractionOfCeiling the job's consumed samples per second over that ceiling
 * @param redisNodes on a Redis Cluster, each node's load over the measured part
 *     ({@link io.github.eegstream.redis.ClusterLoad.NodeLoad#toMap}); null on one node
 * @param jobCounters what the job itself counted over its whole run, warm-up included: messages
 *     its readers dropped, gaps and samples its windower counted (see JobCounters); null if not read
 */
@JsonPropertyOrder({"users", "rate_hz", "channels", "chunk", "duration_s", "ceiling_samples_per_s", "fraction_of_ceiling",
    "eegstream", "job_counters", "baseline", "ratio", "redis_nodes"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BenchResult(
        @JsonProperty("users") int users,
        @JsonProperty("rate_hz") double rateHz,
        @JsonProperty("channels") int channels,
        @JsonProperty("chunk") int chunk,
        @JsonProperty("duration_s") double durationSeconds,
        @JsonProperty("ceiling_samples_per_s") Double ceilingSamplesPerSecond,
        @JsonProperty("fraction_of_ceiling") Double fractionOfCeiling,
        @JsonProperty("eegstream") Run eegstream,
        @JsonProperty("baseline") Run baseline,
        @JsonProperty("ratio") Ratio ratio,
        @JsonProperty("redis_nodes") java.util.List<java.util.Map<String, Object>> redisNodes,
        @JsonProperty("job_counters") java.util.Map<String, Long> jobCounters) {

    /** Against one Redis node: no per-node load. */
    public BenchResult(int users, double rateHz, int channels, int chunk, double durationSeconds, Double ceilingSamplesPerSecond,
            Double fractionOfCeiling, Run eegstream, Run baseline, Ratio ratio) {
        this(users, rateHz, channels, chunk, durationSeconds, ceilingSamplesPerSecond, fractionOfCeiling, eegstream, baseline,
                ratio, null, null);
    }

    /** This result with the job's own counters. */
    public BenchResult withJobCounters(java.util.Map<String, Long> counters) {
        return new BenchResult(users, rateHz, channels, chunk, durationSeconds, ceilingSamplesPerSecond, fractionOfCeiling,
                eegstream, baseline, ratio, redisNodes, counters);
    }

    /**
     * One consumer's run: throughput, loss, latency and CPU over the measured part of the load.
     *
     * @param cpuPercentJob the job's process (its own run); null for the baseline
     * @param cpuPercentConsumer the original consumer's process; null for the job's run
     * @param loadGeneratorLatenessMillis how late the load generator handed its messages to the
     *     socket against its schedule: latency the consumer is not to blame for
     * @param cpuSecondsPerMillionSamples each process's CPU for a million samples
     */
    @JsonPropertyOrder({"offered_samples_per_s", "messages_per_s", "consumed_samples_per_s", "predictions_per_s",
        "predictions_expected", "predictions_received", "loss_ratio", "latency_ms", "load_generator_lateness_ms",
        "cpu_percent_job", "cpu_percent_consumer", "cpu_percent_load_generator", "cpu_percent_redis",
        "cpu_s_per_million_samples"})
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
            @JsonProperty("load_generator_lateness_ms") Latency loadGeneratorLatenessMillis,
            @JsonProperty("cpu_percent_job") Double cpuPercentJob,
            @JsonProperty("cpu_percent_consumer") Double cpuPercentConsumer,
            @JsonProperty("cpu_percent_load_generator") double cpuPercentLoadGenerator,
            @JsonProperty("cpu_percent_redis") double cpuPercentRedis,
            @JsonProperty("cpu_s_per_million_samples") CpuPerMillion cpuSecondsPerMillionSamples) {

        /**
         * This run with its CPU use, in percent of one core; per million samples, the job's (or
         * consumer's) CPU counts the samples it consumed, the load generator's and Redis's those offered.
         */
        Run withCpu(Double job, Double consumer, double loadGenerator, double redis) {
            CpuPerMillion perMillion = new CpuPerMillion(perMillion(job, consumedSamplesPerSecond),
                    perMillion(consumer, consumedSamplesPerSecond), perMillion(loadGenerator, offeredSamplesPerSecond),
                    perMillion(redis, offeredSamplesPerSecond));
            return new Run(offeredSamplesPerSecond, messagesPerSecond, consumedSamplesPerSecond, predictionsPerSecond,
                    predictionsExpected, predictionsReceived, lossRatio, latencyMillis, loadGeneratorLatenessMillis,
                    job, consumer, loadGenerator, redis, perMillion);
        }

        private static Double perMillion(Double cpuPercent, double samplesPerSecond) {
            return cpuPercent == null || !(samplesPerSecond > 0) ? null : cpuPercent / 100 / samplesPerSecond * 1e6;
        }
    }

    /** CPU seconds per million samples, by process (null where that process had no part). */
    @JsonPropertyOrder({"job", "consumer", "load_generator", "redis"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CpuPerMillion(
            @JsonProperty("job") Double job,
            @JsonProperty("consumer") Double consumer,
            @JsonProperty("load_generator") Double loadGenerator,
            @JsonProperty("redis") Double redis) {}

    /** Latency percentiles, in milliseconds (NaN without any). */
    @JsonPropertyOrder({"p50", "p95", "p99", "max"})
    public record Latency(
            @JsonProperty("p50") double p50,
            @JsonProperty("p95") double p95,
            @JsonProperty("p99") double p99,
            @JsonProperty("max") double max) {

        /** The percentiles of a histogram of microseconds (HdrHistogram's, within its precision). */
        public static Latency ofMicros(Histogram micros) {
            if (micros.getTotalCount() == 0) {
                return new Latency(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            }
            return new Latency(micros.getValueAtPercentile(50) / 1000.0, micros.getValueAtPercentile(95) / 1000.0,
                    micros.getValueAtPercentile(99) / 1000.0, micros.getMaxValue() / 1000.0);
        }
    }

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
