/** The benchmark's parts: a paced load of simulated relays and a recorder of prediction latency. */
package io.github.eegstream.bench;
