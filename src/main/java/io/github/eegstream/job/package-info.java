/**
 * The prediction job: raw EEG from Redis pub/sub, windowed per user, turned into features and
 * predictions, published back to Redis. {@link io.github.eegstream.job.PredictionPipeline} wires
 * it; {@link io.github.eegstream.job.PredictionJob} is the entry point for {@code flink run}.
 */
package io.github.eegstream.job;
