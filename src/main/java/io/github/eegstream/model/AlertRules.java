package io.github.eegstream.model;

import io.github.eegstream.wire.Alert;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Evaluates alert rules window by window with hysteresis: a rule is raised once after its
 * condition has held for its {@code for} duration, and cleared once after it has not held for its
 * {@code clear-after} duration. Durations are measured in the stream's own time (window end
 * timestamps), so a recording replayed faster raises the same alerts.
 */
public final class AlertRules {

    /** Built in: a window in which no channel is usable yields this alert instead of a prediction. */
    public static final AlertRule NO_USABLE_SIGNAL = new AlertRule("no_usable_signal", "bad_channel_fraction >= 1",
            null, null, Alert.Severity.CRITICAL.wireName(), "no channel has a usable signal: check the electrodes");

    private final List<AlertRule> rules;
    private final List<AlertRule.Condition> conditions;

    public AlertRules(List<AlertRule> configured) {
        this.rules = new ArrayList<>();
        rules.add(NO_USABLE_SIGNAL);
        configured.forEach(rule -> rules.add(rule.validate()));
        this.conditions = rules.stream().map(AlertRule::condition).toList();
    }

    /** The alerts raised or cleared by a window ending at {@code time} with these metrics. */
    public List<Alert> evaluate(AlertState state, double time, Map<String, Double> metrics, String source) {
        state.fit(rules.size());
        List<Alert> out = new ArrayList<>();
        for (int r = 0; r < rules.size(); r++) {
            AlertRule rule = rules.get(r);
            AlertRule.Condition condition = conditions.get(r);
            Double value = metrics.get(condition.metric());
            if (condition.holds(value)) {
                state.getNotHoldingSince()[r] = Double.NaN;
                if (Double.isNaN(state.getHoldingSince()[r])) {
                    state.getHoldingSince()[r] = time;
                }
                if (!state.getRaised()[r] && time - state.getHoldingSince()[r] >= seconds(rule.holdFor())) {
                    state.getRaised()[r] = true;
                    out.add(alert(rule, Alert.State.RAISED, describe(rule, condition, value), time, source, value));
                }
            } else {
                state.getHoldingSince()[r] = Double.NaN;
                if (state.getRaised()[r]) {
                    if (Double.isNaN(state.getNotHoldingSince()[r])) {
                        state.getNotHoldingSince()[r] = time;
                    }
                    if (time - state.getNotHoldingSince()[r] >= seconds(rule.clearAfter())) {
                        state.getRaised()[r] = false;
                        state.getNotHoldingSince()[r] = Double.NaN;
                        out.add(alert(rule, Alert.State.CLEARED, condition.metric() + " back to normal", time, source, value));
                    }
                }
            }
        }
        return out;
    }

    private static String describe(AlertRule rule, AlertRule.Condition condition, Double value) {
        if (rule.message() != null) {
            return rule.message();
        }
        return String.format(Locale.ROOT, "%s is %.2f (%s%s)", condition.metric(), value, condition,
                rule.holdFor().isZero() ? "" : " for " + seconds(rule.holdFor()) + " s");
    }

    private static Alert alert(AlertRule rule, Alert.State state, String message, double time, String source, Double value) {
        Map<String, Object> data = value == null ? Map.of() : Map.of(rule.condition().metric(), value);
        return new Alert(rule.name(), rule.severity(), state.wireName(), message, source, time, data);
    }

    private static double seconds(java.time.Duration d) {
        return d.toMillis() / 1000.0;
    }
}
