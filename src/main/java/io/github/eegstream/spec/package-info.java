/**
 * Job specs: what a prediction job is configured with ({@link io.github.eegstream.spec.JobSpec}),
 * read from the YAML files in {@code jobs/} ({@link io.github.eegstream.spec.JobSpecs}). Free of
 * Flink, so that commands which only read specs ({@code eeg features}, {@code eeg acl}) run
 * without it.
 */
package io.github.eegstream.spec;
