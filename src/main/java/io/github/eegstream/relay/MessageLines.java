package io.github.eegstream.relay;

import io.github.eegstream.wire.Alert;
import io.github.eegstream.wire.Command;
import io.github.eegstream.wire.Prediction;
import io.github.eegstream.wire.RawSamples;
import io.github.eegstream.wire.WireMessage;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/** One readable line per message, as the relay and {@code eeg subscribe} print them. */
public final class MessageLines {

    private static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    private MessageLines() {}

    /** {@code 12:00:01.234 alex  prediction ...}; {@code nowMillis} is used for latency. */
    public static String format(String userId, WireMessage message, long nowMillis) {
        String head = CLOCK.format(Instant.ofEpochMilli(nowMillis)) + " " + userId + "  ";
        if (message instanceof Prediction p) {
            return head + prediction(p, nowMillis);
        }
        if (message instanceof Alert a) {
            return head + String.format(Locale.ROOT, "ALERT %s %s (%s)%s%s",
                    a.state(), a.alertType(), a.severity(),
                    a.message() == null ? "" : ": " + a.message(),
                    a.source() == null ? "" : "  from " + a.source());
        }
        if (message instanceof Command c) {
            return head + "command " + c.command() + (c.args().isEmpty() ? "" : " " + values(c.args()))
                    + (c.source() == null ? "" : "  from " + c.source());
        }
        RawSamples r = (RawSamples) message;
        StringBuilder b = new StringBuilder(head).append(r.type()).append(' ');
        b.append(String.format(Locale.ROOT, "t=%.3f", r.timestamps()[0]));
        if (r.sampleCount() > 1) {
            b.append(" +").append(r.sampleCount() - 1).append(" samples");
        }
        for (int c = 0; c < Math.min(r.channelCount(), 8); c++) {
            b.append(String.format(Locale.ROOT, " %s=%.2f", r.channels()[c], r.value(0, c)));
        }
        if (r.channelCount() > 8) {
            b.append(" ... (").append(r.channelCount()).append(" channels)");
        }
        return b.toString();
    }

    private static String prediction(Prediction p, long nowMillis) {
        StringBuilder b = new StringBuilder("prediction ");
        if (p.predictionType() != null) {
            b.append(p.predictionType()).append("  ");
        }
        b.append(values(p.data()));
        if (p.confidence() != null) {
            b.append(String.format(Locale.ROOT, "  confidence %.0f%%", p.confidence() * 100));
        }
        if (p.source() != null) {
            b.append("  from ").append(p.source());
        }
        if (p.timestamp() != null) {
            double latencyMs = nowMillis - p.timestamp() * 1000;
            if (Math.abs(latencyMs) < 86_400_000) { // a timestamp in the same clock as ours
                b.append(String.format(Locale.ROOT, "  latency %.0f ms", latencyMs));
            }
        }
        if (Boolean.TRUE.equals(p.partial())) {
            b.append("  (partial window)");
        }
        return b.toString();
    }

    private static String values(Map<String, Object> data) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Object> e : data.entrySet()) {
            if (b.length() > 0) {
                b.append(' ');
            }
            Object v = e.getValue();
            b.append(e.getKey()).append('=');
            b.append(v instanceof Double || v instanceof Float
                    ? String.format(Locale.ROOT, "%.3f", ((Number) v).doubleValue())
                    : String.valueOf(v));
        }
        return b.toString();
    }
}
