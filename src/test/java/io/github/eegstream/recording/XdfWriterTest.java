package io.github.eegstream.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * XDF files as an independent reader sees them: Debian's libxdf (C++), built by
 * {@code src/test/c/build-xdf-harness.sh}, reads two users' 60 s of 8-channel EEG and their
 * predictions back, every sample and every marker equal.
 */
class XdfWriterTest {

    private static final List<String> LABELS = List.of("Fp1", "Fp2", "C3", "C4", "P3", "P4", "O1", "O2");

    @TempDir
    Path dir;

    @Test
    void libxdfReadsEveryEegSampleAndEveryPredictionBack() throws Exception {
        Path file = dir.resolve("session.xdf");
        double rate = 256;
        int seconds = 60;
        int chunk = 32;
        Random random = new Random(3);
        String[] users = {"alex", "sub-002"};
        double[][] written = new double[users.length][seconds * (int) rate * LABELS.size()];
        double[][] stamps = new double[users.length][seconds * (int) rate];
        List<List<String>> markers = List.of(new ArrayList<>(), new ArrayList<>());
        try (XdfWriter xdf = new XdfWriter(file)) {
            int[] eeg = new int[users.length];
            int[] predictions = new int[users.length];
            for (int u = 0; u < users.length; u++) {
                eeg[u] = xdf.addStream(XdfStream.eeg(users[u], LABELS, rate));
                predictions[u] = xdf.addStream(XdfStream.markers(users[u] + " predictions", "Predictions",
                        "eegstream:" + users[u] + ":predictions"));
            }
            for (int start = 0; start < seconds * rate; start += chunk) {
                for (int u = 0; u < users.length; u++) {
                    double[] t = new double[chunk];
                    double[] v = new double[chunk * LABELS.size()];
                    for (int i = 0; i < chunk; i++) {
                        t[i] = 1_700_000_000.0 + u * 0.001 + (start + i) / rate;
                        stamps[u][start + i] = t[i];
                        for (int c = 0; c < LABELS.size(); c++) {
                            v[i * LABELS.size() + c] = random.nextGaussian() * 20;
                            written[u][(start + i) * LABELS.size() + c] = v[i * LABELS.size() + c];
                        }
                    }
                    xdf.writeNumeric(eeg[u], t, v);
                    if ((start + chunk) % 128 == 0) { // a prediction every half second
                        String json = "{\"type\":\"prediction\",\"user\":\"" + users[u] + "\",\"focus\":" + (start % 7) / 7.0 + "}";
                        markers.get(u).add(json);
                        xdf.writeStrings(predictions[u], new double[] {t[chunk - 1]}, new String[] {json});
                    }
                }
            }
        }
        List<String> lines = dump(file);
        for (int u = 0; u < users.length; u++) {
            int stream = 2 * u;
            assertTrue(lines.contains("stream " + stream + " " + users[u] + " EEG 8 float32 256 " + seconds * (int) rate),
                    "the EEG stream of " + users[u] + ": " + lines.stream().filter(l -> l.startsWith("stream")).toList());
            for (int c = 0; c < LABELS.size(); c++) {
                assertTrue(lines.contains("label " + stream + " " + c + " " + LABELS.get(c) + " microvolts"), LABELS.get(c));
            }
            List<String> samples = lines.stream().filter(l -> l.startsWith("sample " + stream + " ")).toList();
            assertEquals(seconds * (int) rate, samples.size());
            for (int i = 0; i < samples.size(); i++) {
                String[] f = samples.get(i).split(" ");
                assertEquals(stamps[u][i], Double.parseDouble(f[2]), 0, users[u] + " sample " + i + "'s timestamp");
                for (int c = 0; c < LABELS.size(); c++) {
                    assertEquals((float) written[u][i * LABELS.size() + c], (float) Double.parseDouble(f[3 + c]),
                            users[u] + " sample " + i + " channel " + c);
                }
            }
            int markerStream = 2 * u + 1;
            List<String> events = lines.stream().filter(l -> l.startsWith("event " + markerStream + " "))
                    .map(l -> l.substring(l.indexOf(' ', l.indexOf(' ', 6) + 1) + 1)).toList();
            assertEquals(markers.get(u), events, users[u] + "'s predictions as markers");
        }
    }

    @Test
    void aFileCutShortByACrashReadsBackUpToItsLastBoundary() throws Exception {
        Path file = dir.resolve("crash.xdf");
        XdfWriter xdf = new XdfWriter(file);
        int eeg = xdf.addStream(XdfStream.eeg("alex", LABELS.subList(0, 2), 100));
        for (int k = 0; k < 10; k++) {
            xdf.writeNumeric(eeg, new double[] {k * 0.01}, new double[] {k, -k});
        }
        xdf.boundary(); // what a second's flush leaves on disk
        long safe = Files.size(file);
        xdf.writeNumeric(eeg, new double[] {0.5}, new double[] {99, 99});
        // The process dies here: what is on disk is every whole chunk up to the boundary, no more.
        assertEquals(safe, Files.size(file), "chunks after the boundary are not on disk yet");
        List<String> lines = dump(file);
        assertEquals(10, lines.stream().filter(l -> l.startsWith("sample 0 ")).count(), String.join("\n", lines));
        // Cut anywhere in its last chunks (a crash in the middle of a write), our reader still
        // gives every whole chunk before the cut and never fails.
        byte[] all = Files.readAllBytes(file);
        Path cut = dir.resolve("cut.xdf");
        for (int at = all.length - 60; at <= all.length; at++) {
            Files.write(cut, java.util.Arrays.copyOf(all, at));
            try (XdfReader r = new XdfReader(cut, "alex")) {
                int n = 0;
                while (r.hasNext()) {
                    n += r.next().timestamps().length;
                }
                assertTrue(n <= 10, "cut at " + at + ": " + n);
            }
        }
        xdf.close();
    }

    @Test
    void ourReaderReplaysTheStreamAskedForAndStopsAtACut() throws Exception {
        Path file = dir.resolve("replay.xdf");
        try (XdfWriter xdf = new XdfWriter(file)) {
            int markers = xdf.addStream(XdfStream.markers("alex predictions", "Predictions", "p"));
            int alex = xdf.addStream(XdfStream.eeg("alex", LABELS.subList(0, 2), 100));
            xdf.writeStrings(markers, new double[] {0.0}, new String[] {"{}"});
            xdf.writeNumeric(alex, new double[] {1.00, 1.01}, new double[] {1, 2, 3, 4});
            // A second user's stream declared after the first one's samples, as the recorder does.
            int ben = xdf.addStream(XdfStream.eeg("ben", LABELS.subList(0, 3), 200));
            xdf.writeNumeric(ben, new double[] {2.0}, new double[] {7, 8, 9});
            xdf.writeNumeric(alex, new double[] {1.02}, new double[] {5, 6});
        }
        try (XdfReader r = new XdfReader(file, "ben")) {
            assertEquals(List.of("Fp1", "Fp2", "C3"), List.of(r.channels()));
            assertEquals(200, r.rate());
            var s = r.next();
            assertEquals(List.of(2.0), java.util.Arrays.stream(s.timestamps()).boxed().toList());
            assertEquals(List.of(7.0, 8.0, 9.0), java.util.Arrays.stream(s.values()).boxed().toList());
            assertTrue(!r.hasNext());
        }
        try (XdfReader r = new XdfReader(file, "nobody")) { // the first EEG stream
            assertEquals("alex", r.streamName());
            List<Double> t = new ArrayList<>();
            r.forEachRemaining(s -> java.util.Arrays.stream(s.timestamps()).forEach(t::add));
            assertEquals(List.of(1.00, 1.01, 1.02), t);
        }
        byte[] all = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(all, all.length - 40)); // the footers and the last samples cut
        try (XdfReader r = new XdfReader(file, "alex")) {
            List<Double> t = new ArrayList<>();
            r.forEachRemaining(s -> java.util.Arrays.stream(s.timestamps()).forEach(t::add));
            assertTrue(t.size() >= 2 && t.get(0) == 1.00, t.toString());
        }
        Files.writeString(file, "not xdf");
        assertThrows(IOException.class, () -> new XdfReader(file, null));
    }

    @Test
    void aRecordingSkipsWhatARelaySendsAgainAndSurvivesHostileLabels() throws Exception {
        Path file = dir.resolve("hostile.xdf");
        String[] labels = {"Fp1\u0001</label><x>", "Fp2&\uFFFF"};
        try (XdfRecording rec = new XdfRecording(file)) {
            rec.add("alex", new io.github.eegstream.wire.RawSamples(labels, new double[] {1.0, 1.01}, new double[] {1, 2, 3, 4}, 100));
            // A relay back from an outage sends its last second again, then goes on.
            rec.add("alex", new io.github.eegstream.wire.RawSamples(labels, new double[] {1.0, 1.01, 1.02},
                    new double[] {1, 2, 3, 4, 5, 6}, 100));
        }
        List<String> lines = dump(file);
        assertEquals(3, lines.stream().filter(l -> l.startsWith("sample 0 ")).count(), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("label 0 0 Fp1\uFFFD</label><x>")), String.join("\n", lines));
    }

    @Test
    void wrongShapesAreRefused() throws Exception {
        try (XdfWriter xdf = new XdfWriter(dir.resolve("bad.xdf"))) {
            int eeg = xdf.addStream(XdfStream.eeg("alex", LABELS, 256));
            assertThrows(IllegalArgumentException.class, () -> xdf.writeNumeric(eeg, new double[] {0}, new double[3]));
            assertThrows(IllegalArgumentException.class, () -> xdf.writeStrings(eeg, new double[] {0}, new String[] {"x"}));
            assertThrows(IllegalArgumentException.class, () -> xdf.writeNumeric(9, new double[0], new double[0]));
        }
        assertThrows(IllegalArgumentException.class, () -> XdfStream.eeg("alex", List.of(), 256));
    }

    private static List<String> dump(Path file) throws IOException, InterruptedException {
        return io.github.eegstream.testing.XdfHarness.dump(file);
    }
}
