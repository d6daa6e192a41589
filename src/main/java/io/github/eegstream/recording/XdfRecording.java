package io.github.eegstream.recording;

import io.github.eegstream.wire.Alert;
import io.github.eegstream.wire.Features;
import io.github.eegstream.wire.Prediction;
import io.github.eegstream.wire.RawSamples;
import io.github.eegstream.wire.WireCodec;
import io.github.eegstream.wire.WireMessage;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Several users' sessions in one XDF file, as LabRecorder would keep them: an EEG stream per user
 * (and a new one if the user's channels change), and per user marker streams of predictions,
 * alerts and features as the JSON of the wire format, each at its own timestamp (or at the
 * user's latest sample when it has none). Streams appear as their first message arrives.
 */
public final class XdfRecording implements Closeable {

    private final XdfWriter xdf;
    private final WireCodec codec = new WireCodec();
    private final Map<String, Integer> streams = new HashMap<>();
    private final Map<String, List<String>> layouts = new HashMap<>();
    private final Map<String, Double> rates = new HashMap<>();
    private final Map<String, Integer> versions = new HashMap<>();
    private final Map<String, Double> latest = new HashMap<>();

    private final java.util.concurrent.ScheduledExecutorService timer;

    public XdfRecording(Path file) throws IOException {
        this.xdf = new XdfWriter(file);
        // While every stream is idle (a pause, an outage), what came last still reaches the disk.
        this.timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "xdf-boundary");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                xdf.boundaryIfDue();
            } catch (IOException e) {
                // the next write reports it
            }
        }, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** A user's samples, into the user's EEG stream. */
    public synchronized void add(String user, RawSamples samples) throws IOException {
        // A relay back from an outage sends its last seconds again: only what is newer is written.
        Double last = latest.get(user);
        RawSamples fresh = last == null ? samples : samples.after(last);
        if (fresh == null) {
            return;
        }
        List<String> channels = List.of(fresh.channels());
        String key = user + "\u0000eeg";
        if (!channels.equals(layouts.get(user)) || fresh.rate() != rates.getOrDefault(user, fresh.rate())) {
            // A new layout or rate is a new stream: XDF fixes a stream's channels and rate in its header.
            int version = versions.merge(user, 1, Integer::sum);
            String name = version == 1 ? user : user + " (" + version + ")";
            streams.put(key, xdf.addStream(XdfStream.eeg(name, channels, fresh.rate())));
            layouts.put(user, channels);
            rates.put(user, fresh.rate());
        }
        xdf.writeNumeric(streams.get(key), fresh.timestamps(), fresh.values());
        latest.put(user, fresh.timestamps()[fresh.timestamps().length - 1]);
    }

    /** A user's prediction, alert or features, as a JSON marker in the user's stream of that kind. */
    public synchronized void annotate(String user, WireMessage message) throws IOException {
        String type;
        Double at;
        if (message instanceof Prediction p) {
            type = "Predictions";
            at = p.timestamp();
        } else if (message instanceof Alert a) {
            type = "Alerts";
            at = a.timestamp();
        } else if (message instanceof Features f) {
            type = "Features";
            at = f.timestamp();
        } else {
            return;
        }
        String key = user + "\u0000" + type;
        Integer id = streams.get(key);
        if (id == null) {
            id = xdf.addStream(XdfStream.markers(user + " " + type.toLowerCase(java.util.Locale.ROOT), type,
                    "eegstream:" + user + ":" + type.toLowerCase(java.util.Locale.ROOT)));
            streams.put(key, id);
        }
        double t = at != null ? at : latest.getOrDefault(user, 0.0);
        xdf.writeStrings(id, new double[] {t}, new String[] {codec.encodeJson(message)});
    }

    @Override
    public synchronized void close() throws IOException {
        timer.shutdownNow();
        xdf.close();
    }
}
