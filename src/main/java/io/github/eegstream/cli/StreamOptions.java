package io.github.eegstream.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** The simulated stream and how it is sent: shared by {@code relay} and {@code demo}. */
final class StreamOptions {

    @Option(names = "--rate", defaultValue = "256", paramLabel = "HZ", description = "Sampling rate (sim). Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(names = "--channels", defaultValue = "8", paramLabel = "N", description = "Channels (sim). Default: ${DEFAULT-VALUE}.")
    int channels;

    @Option(names = "--chunk", defaultValue = "1", paramLabel = "K",
            description = "Samples per message: 1 sends the original per-sample form, K > 1 sends raw_chunk messages. Default: ${DEFAULT-VALUE}.")
    int chunk;

    @Option(names = "--duration", paramLabel = "S", description = "Stop after S seconds (default: run until Ctrl-C).")
    Double duration;

    /** The duration, or null to run until stopped. */
    Duration duration() {
        if (duration == null) {
            return null;
        }
        if (!(duration > 0)) {
            throw new IllegalArgumentException("--duration must be a positive number of seconds, was " + duration);
        }
        return Duration.ofMillis(Math.round(duration * 1000));
    }
}
