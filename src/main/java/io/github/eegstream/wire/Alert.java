package io.github.eegstream.wire;

import java.util.Map;

/**
 * An alert about a user's stream or state, on {@code user:{id}:alerts}.
 *
 * @param alertType what it is about, e.g. {@code stream_stalled}
 * @param severity {@code info}, {@code warning} or {@code critical}
 * @param state {@code raised} or {@code cleared}
 * @param message for people
 */
public record Alert(
        String alertType,
        String severity,
        String state,
        String message,
        String source,
        Double timestamp,
        Map<String, Object> data)
        implements WireMessage {

    public static final String TYPE = "alert";

    public Alert {
        if (alertType == null || alertType.isBlank()) {
            throw new WireException(RejectReason.MISSING_FIELD, "an alert needs 'alert_type'");
        }
        severity = severity == null ? "warning" : severity;
        state = state == null ? "raised" : state;
        data = data == null ? Map.of() : data;
    }

    @Override
    public String type() {
        return TYPE;
    }
}
