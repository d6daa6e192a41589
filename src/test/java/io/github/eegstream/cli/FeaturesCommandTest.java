package io.github.eegstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.eegstream.spec.JobSpecs;
import io.github.eegstream.recording.CsvRecording;
import io.github.eegstream.sim.SimulatedEeg;
import io.github.eegstream.testing.ChannelRecorder;
import io.github.eegstream.testing.Publisher;
import io.github.eegstream.testing.RunningJob;
import io.github.eegstream.testing.TestFlink;
import io.github.eegstream.testing.TestRedis;
import io.github.eegstream.wire.Alert;
import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.Features;
import io.github.eegstream.wire.Prediction;
import io.github.eegstream.wire.WireCodec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** `eeg features` on a recording prints, window by window, exactly what the job publishes for it. */
class FeaturesCommandTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.miniCluster();

    @TempDir
    Path dir;

    @Test
    void offlineOutputIsIdenticalToWhatTheJobPublishes() throws Exception {
        Path csv = recording(dir.resolve("session.csv"), 10.3);
        Path spec = dir.resolve("spec.yaml");
        Files.writeString(spec, "name: offline-check\nwindow:\n  stall-timeout: 1s\n"); // the job flushes the last window soon

        List<JsonNode> offline = runFeaturesCommand(csv, spec);
        assertEquals(18, offline.size(), "2 s windows ending at 2, 2.5, ... 10 s, and the partial last one");

        String user = TestRedis.uniqueUser("offline");
        Channel features = Channel.of(user, ChannelKind.FEATURES);
        Channel predictions = Channel.of(user, ChannelKind.PREDICTIONS);
        Channel alerts = Channel.of(user, ChannelKind.ALERTS);
        WireCodec codec = new WireCodec();
        ObjectMapper json = new ObjectMapper();
        try (RunningJob job = RunningJob.start(JobSpecs.load(spec.toString()).withRedisUrl(TestRedis.endpoint().url()));
                ChannelRecorder recorder = new ChannelRecorder(features, predictions, alerts);
                Publisher publisher = new Publisher();
                CsvRecording recording = new CsvRecording(csv, 256)) {
            while (recording.hasNext()) {
                publisher.publishRaw(user, recording.next());
            }
            assertTrue(recorder.await(predictions, l -> l.size() == offline.size(), Duration.ofSeconds(30)),
                    "the job predicted every window, the partial one after the stall");
            List<Features> published = recorder.received(features);
            List<Prediction> predicted = recorder.received(predictions);
            for (int w = 0; w < offline.size(); w++) {
                assertEquals(offline.get(w).get("features"), json.readTree(codec.encodeJson(published.get(w))), "features of window " + w);
                assertEquals(offline.get(w).get("prediction"), json.readTree(codec.encodeJson(predicted.get(w))), "prediction of window " + w);
            }
            assertEquals(Boolean.TRUE, predicted.get(offline.size() - 1).partial());
            List<JsonNode> jobAlerts = recorder.<Alert>received(alerts).stream()
                    .filter(a -> !a.alertType().equals("stream_stalled")) // the recording ends; the job sees a stall
                    .map(a -> readTree(json, codec.encodeJson(a))).toList();
            List<JsonNode> offlineAlerts = offline.stream().flatMap(l -> java.util.stream.StreamSupport
                    .stream(l.get("alerts").spliterator(), false)).toList();
            assertEquals(offlineAlerts, jobAlerts);
            assertTrue(offlineAlerts.size() >= 1, "the detached electrode in the recording raised an alert");
        }
    }

    /** 8 channels of simulated EEG at 256 Hz; F4 detached from 1 s on. Timestamps written exactly. */
    private static Path recording(Path file, double seconds) throws Exception {
        SimulatedEeg eeg = new SimulatedEeg(8, 256, 21);
        StringBuilder csv = new StringBuilder("timestamp," + String.join(",", eeg.channels()) + "\n");
        double[] row = new double[8];
        for (int i = 0; i < seconds * 256; i++) {
            if (i == 256) {
                eeg.setDetached(List.of("F4"));
            }
            eeg.next(row);
            csv.append(60_000 + i / 256.0);
            for (double v : row) {
                csv.append(',').append(v);
            }
            csv.append('\n');
        }
        return Files.writeString(file, csv);
    }

    private static List<JsonNode> runFeaturesCommand(Path csv, Path spec) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = Eeg.commandLine().execute("features", csv.toString(), "--rate", "256", "--spec", spec.toString());
        } finally {
            System.setOut(original);
        }
        assertEquals(0, exit);
        ObjectMapper json = new ObjectMapper();
        return captured.toString(StandardCharsets.UTF_8).lines().map(l -> readTree(json, l)).toList();
    }

    private static JsonNode readTree(ObjectMapper json, String text) {
        try {
            return json.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
