/**
 * The edge relay: reads samples from a source beside the EEG device, publishes them to
 * {@code user:{id}:raw}, and shows the predictions, commands and alerts that come back.
 *
 * <p>This package never uses Flink, so the relay starts fast and runs on a small machine.
 */
package io.github.eegstream.relay;
