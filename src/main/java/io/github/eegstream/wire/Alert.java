package io.github.eegstream.wire;

import java.util.Map;
import java.util.Optional;

/**
 * An alert about a user's stream or state, on {@code user:{id}:alerts}.
 *
 * @param alertType what it is about, e.g. {@code stream_stalled}
 * @param severity {@code info}, {@code warning} or {@code critical} ({@link Severity}; default warning)
 * @param state {@code raised} or {@code cleared} ({@link State}; default raised)
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
        severity = severity == null ? Severity.WARNING.wireName() : severity;
        state = state == null ? State.RAISED.wireName() : state;
        data = data == null ? Map.of() : data;
    }

    /** An alert of ours: its severity and state as enums. */
    public Alert(String alertType, Severity severity, State state, String message, String source, Double timestamp,
            Map<String, Object> data) {
        this(alertType, severity.wireName(), state.wireName(), message, source, timestamp, data);
    }

    @Override
    public String type() {
        return TYPE;
    }

    /**
     * How serious an alert is, as its {@code severity} field writes it. The field stays a
     * string on the wire (and in this record), so that a message from another producer with a
     * severity of its own is still read; ours are always one of these.
     */
    public enum Severity {
        INFO("info"),
        WARNING("warning"),
        CRITICAL("critical");

        private final String wireName;

        Severity(String wireName) {
            this.wireName = wireName;
        }

        /** As messages and job specs write it: {@code info}, {@code warning} or {@code critical}. */
        public String wireName() {
            return wireName;
        }

        /** The severity {@code name} writes, if it is one of ours. */
        public static Optional<Severity> of(String name) {
            for (Severity s : values()) {
                if (s.wireName.equals(name)) {
                    return Optional.of(s);
                }
            }
            return Optional.empty();
        }

        @Override
        public String toString() {
            return wireName;
        }
    }

    /**
     * Whether an alert starts or ends a condition, as its {@code state} field writes it. Like
     * {@link Severity}, the field stays a string on the wire.
     */
    public enum State {
        RAISED("raised"),
        CLEARED("cleared");

        private final String wireName;

        State(String wireName) {
            this.wireName = wireName;
        }

        /** As messages write it: {@code raised} or {@code cleared}. */
        public String wireName() {
            return wireName;
        }

        /** True if {@code state} (an alert's field) names this state. */
        public boolean is(String state) {
            return wireName.equals(state);
        }

        /** The state {@code name} writes, if it is one of ours. */
        public static Optional<State> of(String name) {
            for (State s : values()) {
                if (s.wireName.equals(name)) {
                    return Optional.of(s);
                }
            }
            return Optional.empty();
        }

        @Override
        public String toString() {
            return wireName;
        }
    }
}
