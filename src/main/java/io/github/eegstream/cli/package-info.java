/** The {@code eeg} command line: relay, job, demo, subscribe and publish. */
package io.github.eegstream.cli;
