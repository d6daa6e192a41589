/**
 * The benchmark ({@code eeg bench}): {@link io.github.eegstream.bench.PacedBenchmark} runs the job
 * (and the original consumer) under a paced load of simulated relays, measures the ceiling (the
 * same messages unpaced to a {@link io.github.eegstream.bench.CountingSubscriber}) and returns a
 * typed {@link io.github.eegstream.bench.BenchResult}; its parts are the load process and its
 * generator (which measures its own lateness), the recorder of prediction latency (HdrHistogram)
 * and the sink benchmark. See docs/performance.md.
 */
package io.github.eegstream.bench;
