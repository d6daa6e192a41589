/**
 * The benchmark ({@code eeg bench}): {@link io.github.eegstream.bench.PacedBenchmark} runs the job
 * (and the original consumer) under a paced load of simulated relays and returns a typed
 * {@link io.github.eegstream.bench.BenchResult}; its parts are the load process, the recorder of
 * prediction latency and the sink benchmark.
 */
package io.github.eegstream.bench;
