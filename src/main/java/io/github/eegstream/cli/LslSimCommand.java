package io.github.eegstream.cli;

import io.github.eegstream.lsl.ChannelFormat;
import io.github.eegstream.lsl.LslClock;
import io.github.eegstream.lsl.LslOutlet;
import io.github.eegstream.sim.SimulatedEeg;
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
        SimulatedEeg eeg = new SimulatedEeg(channels, rate, sourceId.hashCode());
        eeg.setWorkload(workload);
        double scale = fmt == ChannelFormat.FLOAT32 || fmt == ChannelFormat.DOUBLE64 ? 1 : 10;
        try (LslOutlet outlet = new LslOutlet(name, type, sourceId, fmt, Arrays.asList(eeg.channels()),
                scale == 1 ? "microvolts" : "0.1 microvolts", rate)) {
            Screen.println("Serving " + outlet + "; Ctrl-C stops");
            double start = LslClock.now();
            long end = duration == null ? Long.MAX_VALUE : (long) (duration * rate);
            double[] row = new double[channels];
            for (long i = 0; i < end; i++) {
                double due = start + i / rate;
                double wait = due - LslClock.now();
                if (wait > 0.001) {
                    Thread.sleep((long) (wait * 1000));
                }
                eeg.next(row);
                if (scale != 1) {
                    for (int c = 0; c < channels; c++) {
                        row[c] = Math.round(row[c] * scale);
                    }
                }
                outlet.push(row, due);
            }
        }
        return 0;
    }
}
