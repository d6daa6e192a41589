/** Simulated EEG, realistic enough that band powers move with a mental-workload knob. */
package io.github.eegstream.sim;
