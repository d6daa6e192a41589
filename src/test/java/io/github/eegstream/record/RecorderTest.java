package io.github.eegstream.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.eegstream.relay.FileSource;
import io.github.eegstream.relay.Relay;
import io.github.eegstream.relay.SimulatedSource;
import io.github.eegstream.testing.ChannelRecorder;
import io.github.eegstream.testing.RunningJob;
import io.github.eegstream.testing.TestFlink;
import io.github.eegstream.testing.TestPython;
import io.github.eegstream.testing.TestRedis;
import io.github.eegstream.wire.Channel;
import io.github.eegstream.wire.ChannelKind;
import io.github.eegstream.wire.Prediction;
import io.github.eegstream.wire.RawSamples;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two users recorded for 60 s while the job runs: MNE (an independent reader) reads back every
 * sample of both files, equal to what the relays published to the file's resolution (0.001 µV),
 * and the predictions, features and alerts as annotations; one recording replayed through the job
 * gives the same predictions again.
 */
class RecorderTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.miniCluster();

    @TempDir
    Path dir;

    @Test
    void twoUsersFor60sReadBackByMneSampleForSampleAndReplayToTheSamePredictions() throws Exception {
        String python = TestPython.withModules("mne");
        assertTrue(python != null, "python3 with MNE (apt-get install python3-mne)");
        String a = TestRedis.uniqueUser("rec-a");
        String b = TestRedis.uniqueUser("rec-b");
        Map<String, Path> files = Recorder.files(dir.resolve("session-{user}.bdf"), List.of(a, b));
        Channel rawA = Channel.of(a, ChannelKind.RAW);
        Channel rawB = Channel.of(b, ChannelKind.RAW);
        Channel predictionsA = Channel.of(a, ChannelKind.PREDICTIONS);
        long publishedA;
        long publishedB;
        try (RunningJob job = RunningJob.start("default");
                ChannelRecorder published = new ChannelRecorder(rawA, rawB, predictionsA)) {
            Recorder recorder = new Recorder(TestRedis.endpoint(), files, 0, line -> { });
            Path xdfFile = dir.resolve("session.xdf"); // the same session, both users in one XDF file
            Recorder xdfRecorder = new Recorder(TestRedis.endpoint(), xdfFile, List.of(a, b), line -> { });
            try (Relay relayA = new Relay(new Relay.Options(a, 16, Duration.ofSeconds(60)), new SimulatedSource(8, 256, 21),
                            TestRedis.client(), line -> { }).start();
                    Relay relayB = new Relay(new Relay.Options(b, 1, Duration.ofSeconds(60)), new SimulatedSource(4, 256, 22),
                            TestRedis.client(), line -> { }).start()) {
                assertTrue(relayA.awaitFinished(Duration.ofSeconds(90)) && relayB.awaitFinished(Duration.ofSeconds(30)));
                publishedA = relayA.samplesPublished();
                publishedB = relayB.samplesPublished();
            }
            Thread.sleep(1500); // the last windows' predictions
            recorder.close();
            xdfRecorder.close();
            assertXdfHoldsEverything(xdfFile, a, published.received(rawA), published.received(predictionsA));
            assertXdfHoldsEverything(xdfFile, b, published.received(rawB), List.of());

            JsonNode fileA = readWithMne(python, files.get(a));
            JsonNode fileB = readWithMne(python, files.get(b));
            assertSameSamples(published.received(rawA), fileA, publishedA);
            assertSameSamples(published.received(rawB), fileB, publishedB);
            List<Prediction> livePredictions = published.received(predictionsA);
            long predictionNotes = count(fileA, "prediction mental_state");
            assertTrue(predictionNotes >= livePredictions.size() - 1 && predictionNotes <= livePredictions.size(),
                    predictionNotes + " prediction annotations for " + livePredictions.size() + " predictions");
            assertTrue(count(fileA, "features ") >= predictionNotes - 1, "features annotations");

            // Replayed at four times the pace, the recording gives the job the same windows again.
            String replayed = TestRedis.uniqueUser("replay");
            Channel predictionsR = Channel.of(replayed, ChannelKind.PREDICTIONS);
            try (ChannelRecorder replay = new ChannelRecorder(predictionsR);
                    Relay relay = new Relay(new Relay.Options(replayed, 16, null), new FileSource(files.get(a), 0, 4),
                            TestRedis.client(), line -> { }).start()) {
                List<Prediction> live = livePredictions.stream().filter(p -> !Boolean.TRUE.equals(p.partial())).toList();
                assertTrue(relay.awaitFinished(Duration.ofSeconds(60)), "the replay ends with the file");
                assertTrue(replay.<Prediction>await(predictionsR, l -> l.size() >= live.size(), Duration.ofSeconds(30)),
                        replay.received(predictionsR).size() + " of " + live.size() + " predictions replayed");
                List<Prediction> again = replay.received(predictionsR);
                for (int i = 0; i < live.size(); i++) {
                    for (var e : live.get(i).data().entrySet()) {
                        double before = ((Number) e.getValue()).doubleValue();
                        double after = ((Number) again.get(i).data().get(e.getKey())).doubleValue();
                        assertEquals(before, after, 1e-3, "window " + i + ", " + e.getKey());
                    }
                }
            }
        }
    }

    /**
     * libxdf finds the user's EEG stream with every published sample (its timestamp exact, its
     * values to float32, the stream's format) and, when given, every prediction as a JSON marker.
     */
    private static void assertXdfHoldsEverything(Path file, String user, List<RawSamples> published, List<Prediction> predictions)
            throws Exception {
        List<String> lines = io.github.eegstream.testing.XdfHarness.dump(file);
        String header = lines.stream().filter(l -> l.startsWith("stream ") && l.split(" ")[2].equals(user)).findFirst()
                .orElseThrow(() -> new AssertionError(user + "'s EEG stream in " + lines.stream().filter(l -> l.startsWith("stream")).toList()));
        String stream = header.split(" ")[1];
        List<String> samples = lines.stream().filter(l -> l.startsWith("sample " + stream + " ")).toList();
        int i = 0;
        for (RawSamples s : published) {
            int channels = s.channels().length;
            for (int k = 0; k < s.timestamps().length; k++, i++) {
                String[] f = samples.get(i).split(" ");
                assertEquals(s.timestamps()[k], Double.parseDouble(f[2]), 0, user + " sample " + i);
                for (int c = 0; c < channels; c++) {
                    assertEquals((float) s.values()[k * channels + c], (float) Double.parseDouble(f[3 + c]), user + " sample " + i);
                }
            }
        }
        assertEquals(i, samples.size(), user + ": every published sample, no more");
        if (!predictions.isEmpty()) {
            String markers = lines.stream().filter(l -> l.startsWith("stream ") && l.contains(" " + user + " predictions "))
                    .findFirst().orElseThrow(() -> new AssertionError(user + "'s prediction stream")).split(" ")[1];
            long events = lines.stream().filter(l -> l.startsWith("event " + markers + " ") && l.contains("\"prediction\"")).count();
            assertTrue(events >= predictions.size() - 1 && events <= predictions.size(),
                    events + " prediction markers for " + predictions.size() + " predictions");
        }
    }

    /** The file's samples (µV), sample rate and annotations, as MNE reads them. */
    private static JsonNode readWithMne(String python, Path file) throws Exception {
        String script = String.join("\n",
                "import json, sys, mne",
                "raw = mne.io.read_raw_bdf(sys.argv[1], preload=True, verbose='error')",
                "data = (raw.get_data() * 1e6).round(4).tolist()",
                "notes = [[float(o), d] for o, d in zip(raw.annotations.onset, raw.annotations.description)]",
                "print(json.dumps({'sfreq': raw.info['sfreq'], 'channels': raw.ch_names, 'data': data, 'notes': notes}))");
        Process p = new ProcessBuilder(python, "-c", script, file.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "MNE reads " + file);
        return new ObjectMapper().readTree(new String(out, StandardCharsets.UTF_8));
    }

    /** Every published sample, in order, at the file's resolution. */
    private static void assertSameSamples(List<RawSamples> published, JsonNode file, long count) {
        assertEquals(256.0, file.get("sfreq").asDouble());
        JsonNode data = file.get("data");
        long n = 0;
        for (RawSamples message : published) {
            assertEquals(List.of(message.channels()), names(file.get("channels")));
            for (int i = 0; i < message.sampleCount(); i++, n++) {
                for (int c = 0; c < message.channelCount(); c++) {
                    double recorded = data.get(c).get((int) n).asDouble();
                    assertEquals(message.value(i, c), recorded, 0.0006, "sample " + n + ", channel " + c);
                }
            }
        }
        assertEquals(count, n, "the file holds every published sample");
    }

    private static List<String> names(JsonNode channels) {
        List<String> out = new java.util.ArrayList<>();
        channels.forEach(c -> out.add(c.asText()));
        return out;
    }

    private static long count(JsonNode file, String prefix) {
        long n = 0;
        for (JsonNode note : file.get("notes")) {
            if (note.get(1).asText().startsWith(prefix)) {
                n++;
            }
        }
        return n;
    }
}
