package io.github.eegstream.spec;

import java.math.BigInteger;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Durations as specs (and Flink's own configuration) write them: a whole number and a unit, with
 * or without a space ({@code 5s}, {@code 500 ms}, {@code 1min}, {@code 24h}); no unit means
 * milliseconds. Units: {@code d}, {@code h}, {@code min}/{@code m}, {@code s}/{@code sec},
 * {@code ms}/{@code milli}, {@code µs}/{@code micro}, {@code ns}/{@code nano}, or their words
 * ({@code day(s)}, {@code hour(s)}, {@code minute(s)}, {@code second(s)}, ...), in any case. A text
 * that does not start with a digit is read as ISO-8601 ({@code PT5S}), and must not be negative.
 */
public final class Durations {

    private static final Map<String, ChronoUnit> UNITS = new LinkedHashMap<>();
    private static final BigInteger NANOS_PER_SECOND = BigInteger.valueOf(1_000_000_000L);

    static {
        unit(ChronoUnit.DAYS, "d", "day", "days");
        unit(ChronoUnit.HOURS, "h", "hour", "hours");
        unit(ChronoUnit.MINUTES, "min", "m", "minute", "minutes");
        unit(ChronoUnit.SECONDS, "s", "sec", "secs", "second", "seconds");
        unit(ChronoUnit.MILLIS, "ms", "milli", "millis", "millisecond", "milliseconds");
        unit(ChronoUnit.MICROS, "µs", "micro", "micros", "microsecond", "microseconds");
        unit(ChronoUnit.NANOS, "ns", "nano", "nanos", "nanosecond", "nanoseconds");
    }

    private Durations() {}

    private static void unit(ChronoUnit unit, String... labels) {
        for (String label : labels) {
            UNITS.put(label, unit);
        }
    }

    /**
     * Reads {@code text} as a duration.
     *
     * @throws IllegalArgumentException (a {@link NumberFormatException} for a text without a
     *     number) saying what is wrong
     */
    public static Duration parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("a duration is missing");
        }
        String trimmed = text.trim();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("argument is an empty- or whitespace-only string");
        }
        int pos = 0;
        while (pos < trimmed.length() && trimmed.charAt(pos) >= '0' && trimmed.charAt(pos) <= '9') {
            pos++;
        }
        String number = trimmed.substring(0, pos);
        String label = trimmed.substring(pos).trim().toLowerCase(Locale.US);
        if (number.isEmpty()) {
            try {
                Duration iso = Duration.parse(trimmed);
                if (iso.isNegative()) {
                    throw new NumberFormatException("negative duration is not supported");
                }
                return iso;
            } catch (DateTimeParseException e) {
                throw new NumberFormatException("text does not start with a number, and is not an ISO-8601 duration: " + trimmed);
            }
        }
        ChronoUnit unit = label.isEmpty() ? ChronoUnit.MILLIS : UNITS.get(label);
        if (unit == null) {
            throw new IllegalArgumentException("Time interval unit label '" + label
                    + "' does not match any of the recognized units: " + String.join(", ", UNITS.keySet()));
        }
        try {
            BigInteger[] secondsAndNanos = new BigInteger(number).multiply(BigInteger.valueOf(unit.getDuration().toNanos()))
                    .divideAndRemainder(NANOS_PER_SECOND);
            return Duration.ofSeconds(secondsAndNanos[0].longValueExact()).plusNanos(secondsAndNanos[1].longValueExact());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("The value '" + number
                    + "' cannot be represented as java.time.Duration (numeric overflow).", e);
        }
    }
}
