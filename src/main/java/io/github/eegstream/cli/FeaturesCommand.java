package io.github.eegstream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.eegstream.dsp.WindowBuffer;
import io.github.eegstream.dsp.Windowing;
import io.github.eegstream.spec.JobSpec;
import io.github.eegstream.spec.JobSpecs;
import io.github.eegstream.model.UserState;
import io.github.eegstream.model.WindowAnalysis;
import io.github.eegstream.recording.CsvRecording;
import io.github.eegstream.wire.Alert;
import io.github.eegstream.wire.RawSamples;
import io.github.eegstream.wire.WireCodec;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code eeg features FILE.csv --rate HZ}: the job's analysis of a recording, offline. */
@Command(name = "features", mixinStandardHelpOptions = true,
        description = {"Prints the job's features, predictions and alerts for every window of a recording.",
            "Same code and job spec as the prediction job; one JSON object per window.",
            "CSV: a header of channel names (and optionally 'timestamp' in seconds), one row per sample."})
final class FeaturesCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE.csv", description = "The recording.")
    Path file;

    @Option(names = "--rate", required = true, paramLabel = "HZ", description = "Sampling rate of the recording.")
    double rate;

    @Option(names = "--spec", defaultValue = "default", paramLabel = "SPEC",
            description = "Job spec: a YAML file or a built-in name. Default: ${DEFAULT-VALUE}.")
    String spec;

    @Override
    public Integer call() throws Exception {
        JobSpec job = JobSpecs.load(spec);
        Windowing windowing = job.window().windowing();
        WindowBuffer buffer = new WindowBuffer();
        UserState user = new UserState();
        WireCodec codec = new WireCodec();
        ObjectMapper json = new ObjectMapper();
        int[] count = {0};
        try (CsvRecording recording = new CsvRecording(file, rate);
                WindowAnalysis analysis = new WindowAnalysis(job.analysis())) {
            while (recording.hasNext()) {
                windowing.add(buffer, recording.next(), w -> print(analysis, w, false, user, codec, json, count));
            }
            RawSamples rest = job.window().flushPartial() ? windowing.remainder(buffer) : null;
            if (rest != null) {
                print(analysis, rest, true, user, codec, json, count);
            }
        }
        System.err.println(count[0] + " windows of " + file);
        return 0;
    }

    /** {"window": n, "features": {...}, "prediction": {...} or null, "alerts": [...]}: as the job publishes them. */
    private static void print(WindowAnalysis analysis, RawSamples window, boolean partial, UserState user,
            WireCodec codec, ObjectMapper json, int[] count) {
        WindowAnalysis.Result r = analysis.analyze(window, partial, user);
        if (r == null) {
            return;
        }
        try {
            ObjectNode line = json.createObjectNode();
            line.put("window", count[0]++);
            line.set("features", json.readTree(codec.encodeJson(r.features())));
            line.set("prediction", r.prediction() == null ? null : json.readTree(codec.encodeJson(r.prediction())));
            ArrayNode alerts = line.putArray("alerts");
            for (Alert a : r.alerts()) {
                alerts.add(json.readTree(codec.encodeJson(a)));
            }
            if (r.modelError() != null) {
                line.put("model_error", r.modelError());
            }
            Screen.println(json.writeValueAsString(line));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
