package io.github.eegstream.cli;

import io.github.eegstream.lsl.ChannelFormat;
import io.github.eegstream.lsl.LslClock;
import io.github.eegstream.lsl.LslOutlet;
import io.github.eegstream.relay.SimulatedSource;
import io.github.eegstream.wire.RawSamples;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code eeg lsl-sim}: simulated EEG as a real LSL outlet. */
@Command(name = "lsl-sim", mixinStandardHelpOptions = true,
        description = {"Serves simulated EEG as a Lab Streaming Layer outlet.",
            "LSL tools (LabRecorder, pylsl, liblsl inlets) and 'eeg relay --source lsl' see it."})
final class LslSimCommand implements Callable<Integer> {

    @Option(names = "--name", defaultValue = "SimEEG", description = "Stream name. Default: ${DEFAULT-VALUE}.")
    String name;

    @Option(names = "--type", defaultValue = "EEG", description = "Stream type. Default: ${DEFAULT-VALUE}.")
    String type;

    @Option(names = "--source-id", defaultValue = "eegstream-sim", description = "Source id. Default: ${DEFAULT-VALUE}.")
    String sourceId;

    @Option(names = "--channels", defaultValue = "8", paramLabel = "N", description = "Channels. Default: ${DEFAULT-VALUE}.")
    int channels;

    @Option(names = "--rate", defaultValue = "256", paramLabel = "HZ", description = "Sampling rate. Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(names = "--format", defaultValue = "float32", paramLabel = "FORMAT",
            description = "float32, double64, int32, int16, int8 or int64 (integers in tenths of µV). Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--workload", defaultValue = "0.3", paramLabel = "W", description = "Simulated workload, 0 to 1. Default: ${DEFAULT-VALUE}.")
    double workload;

    @Option(names = "--duration", paramLabel = "S", description = "Stop after S seconds (default: run until Ctrl-C).")
    Double duration;

    @Override
    public Integer call() throws Exception {
        ChannelFormat fmt = ChannelFormat.parse(format);
        SimulatedSource source = new SimulatedSource(channels, rate, sourceId.hashCode()); // paces in real time
        source.eeg().setWorkload(workload);
        double scale = fmt == ChannelFormat.FLOAT32 || fmt == ChannelFormat.DOUBLE64 ? 1 : 10;
        try (LslOutlet outlet = new LslOutlet(name, type, sourceId, fmt, Arrays.asList(source.channels()),
                scale == 1 ? "microvolts" : "0.1 microvolts", rate)) {
            Screen.println("Serving " + outlet + "; Ctrl-C stops");
            double unixToLsl = -LslClock.toUnixOffset(); // the source stamps Unix time; LSL stamps its own clock
            long remaining = duration == null ? Long.MAX_VALUE : (long) (duration * rate);
            double[] row = new double[channels];
            while (remaining > 0) {
                RawSamples samples = source.read();
                for (int s = 0; s < samples.sampleCount() && remaining > 0; s++, remaining--) {
                    for (int c = 0; c < channels; c++) {
                        row[c] = scale == 1 ? samples.value(s, c) : Math.round(samples.value(s, c) * scale);
                    }
                    outlet.push(row, samples.timestamps()[s] + unixToLsl);
                }
            }
        }
        return 0;
    }
}
