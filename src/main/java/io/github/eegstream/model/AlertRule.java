package io.github.eegstream.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.eegstream.wire.Alert;
import java.io.Serializable;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An alert rule of a job spec: raise {@code name} once when {@code when} has held for
 * {@code for}, clear it once when it has not held for {@code clear-after}.
 *
 * <pre>
 * alerts:
 *   - name: high_workload
 *     when: workload &gt; 0.8      # a prediction value or a feature (see FeatureVector)
 *     for: 10s
 *     severity: warning
 * </pre>
 *
 * @param when {@code <name> <op> <number>}, op one of {@code > >= < <=}
 * @param clearAfter defaults to {@code for}
 * @param severity info, warning (default) or critical
 * @param message for people; defaults to a description of the condition
 */
public record AlertRule(
        @JsonProperty("name") String name,
        @JsonProperty("when") String when,
        @JsonProperty("for") Duration holdFor,
        @JsonProperty("clear-after") Duration clearAfter,
        @JsonProperty("severity") String severity,
        @JsonProperty("message") String message)
        implements Serializable {

    private static final Pattern CONDITION =
            Pattern.compile("\\s*([A-Za-z0-9_.\\-]+)\\s*(>=|<=|>|<)\\s*(-?[0-9]*\\.?[0-9]+)\\s*");

    public AlertRule {
        holdFor = holdFor == null ? Duration.ZERO : holdFor;
        clearAfter = clearAfter == null ? holdFor : clearAfter;
        severity = severity == null ? Alert.Severity.WARNING.wireName() : severity;
    }

    /**
     * Checks the rule (not in the constructor: Jackson builds records with nulls while binding).
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public AlertRule validate() {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("an alert rule needs a name");
        }
        if (Alert.Severity.of(severity).isEmpty()) {
            throw new IllegalArgumentException("alert '" + name + "': severity must be info, warning or critical");
        }
        condition();
        return this;
    }

    /** The parsed {@code when}. */
    public Condition condition() {
        Matcher m = CONDITION.matcher(when == null ? "" : when);
        if (!m.matches()) {
            throw new IllegalArgumentException("alert '" + name + "': cannot read condition '" + when
                    + "'; write it as '<name> <op> <number>', e.g. 'workload > 0.8'");
        }
        return new Condition(m.group(1), m.group(2), Double.parseDouble(m.group(3)));
    }

    /** {@code metric op threshold}. */
    public record Condition(String metric, String op, double threshold) implements Serializable {
        /** False when the metric is absent from this window. */
        public boolean holds(Double value) {
            if (value == null || value.isNaN()) {
                return false;
            }
            return switch (op) {
                case ">" -> value > threshold;
                case ">=" -> value >= threshold;
                case "<" -> value < threshold;
                default -> value <= threshold;
            };
        }

        @Override
        public String toString() {
            return metric + " " + op + " " + threshold;
        }
    }
}
