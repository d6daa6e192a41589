package io.github.eegstream.wire;

/**
 * The field names of the wire format's messages, in one place: the codec writes and reads them
 * by these names, and so does anything else that reads messages. See docs/wire-format.md.
 */
public final class WireFields {

    /** The message type: {@code raw}, {@code raw_chunk}, {@code features}, {@code prediction}, {@code command} or {@code alert}. */
    public static final String TYPE = "type";
    /** Seconds since the epoch (or the stream's own clock): of a sample, or of a message's window end or sending. */
    public static final String TIMESTAMP = "timestamp";
    /** Channel names; in a {@code raw} message, a map of channel name to value. */
    public static final String CHANNELS = "channels";
    /** A chunk's rows of values, one per sample. */
    public static final String SAMPLES = "samples";
    /** A chunk's first sample's timestamp, with {@link #RATE} for the others. */
    public static final String T0 = "t0";
    /** Samples per second. */
    public static final String RATE = "rate";
    /** A chunk's timestamps, one per sample (instead of {@link #T0}). */
    public static final String TIMESTAMPS = "timestamps";
    public static final String WINDOW_START = "window_start";
    public static final String WINDOW_END = "window_end";
    public static final String SAMPLE_COUNT = "sample_count";
    public static final String BAND_POWER = "band_power";
    public static final String RELATIVE_POWER = "relative_power";
    public static final String QUALITY = "quality";
    public static final String QUALITY_PROBLEMS = "quality_problems";
    public static final String INDICES = "indices";
    public static final String CONFIDENCE = "confidence";
    public static final String SOURCE = "source";
    public static final String PREDICTION_TYPE = "prediction_type";
    public static final String DATA = "data";
    public static final String MODEL = "model";
    public static final String MODEL_VERSION = "model_version";
    public static final String PARTIAL = "partial";
    public static final String CALIBRATION_WINDOWS = "calibration_windows";
    public static final String COMMAND = "command";
    public static final String ARGS = "args";
    public static final String ALERT_TYPE = "alert_type";
    public static final String SEVERITY = "severity";
    public static final String STATE = "state";
    public static final String MESSAGE = "message";

    private WireFields() {}
}
