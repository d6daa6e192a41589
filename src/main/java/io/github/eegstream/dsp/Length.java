package io.github.eegstream.dsp;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.io.Serializable;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A span of a stream, in samples or in time, as written in job specs: {@code 100 samples},
 * {@code 256}, {@code 2s}, {@code 500ms}.
 */
public record Length(double amount, Unit unit) implements Serializable {

    /** What the amount counts. */
    public enum Unit { SAMPLES, SECONDS }

    private static final Pattern SYNTAX =
            Pattern.compile("\\s*([0-9]*\\.?[0-9]+)\\s*(samples?|s|sec|seconds?|ms)?\\s*", Pattern.CASE_INSENSITIVE);

    public Length {
        if (!(amount > 0) || Double.isInfinite(amount)) {
            throw new IllegalArgumentException("a length must be positive, was " + amount);
        }
        if (unit == Unit.SAMPLES && amount != Math.rint(amount)) {
            throw new IllegalArgumentException("a length in samples must be a whole number, was " + amount);
        }
    }

    public static Length samples(int n) {
        return new Length(n, Unit.SAMPLES);
    }

    public static Length seconds(double s) {
        return new Length(s, Unit.SECONDS);
    }

    /** Parses {@code 100 samples}, {@code 100}, {@code 2s}, {@code 2.5 seconds} or {@code 500ms}. */
    @JsonCreator
    public static Length parse(String text) {
        Matcher m = SYNTAX.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "cannot read '" + text + "' as a length: write e.g. '100 samples', '2s' or '500ms'");
        }
        double amount = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "samples" : m.group(2).toLowerCase(Locale.ROOT);
        if (unit.equals("ms")) {
            return seconds(amount / 1000);
        }
        return unit.startsWith("sample") ? new Length(amount, Unit.SAMPLES) : seconds(amount);
    }

    /** A bare number in a spec ({@code size: 256}) counts samples. */
    @JsonCreator
    public static Length ofNumber(long samples) {
        return new Length(samples, Unit.SAMPLES);
    }

    /** Whole samples; only for {@link Unit#SAMPLES}. */
    public int sampleCount() {
        if (unit != Unit.SAMPLES) {
            throw new IllegalStateException(this + " is not a number of samples");
        }
        return (int) amount;
    }

    /** This length in samples at {@code rate} Hz (at least 1). */
    public int toSamples(double rate) {
        return unit == Unit.SAMPLES ? (int) amount : Math.max(1, (int) Math.round(amount * rate));
    }

    @JsonValue
    @Override
    public String toString() {
        if (unit == Unit.SAMPLES) {
            return (long) amount + " samples";
        }
        return (amount == Math.rint(amount) ? String.valueOf((long) amount) : String.valueOf(amount)) + "s";
    }
}
