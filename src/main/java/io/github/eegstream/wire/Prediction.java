package io.github.eegstream.wire;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A prediction for a user, on {@code user:{id}:predictions}.
 *
 * <p>Only {@code data} is required: {@code redis-cli PUBLISH ... '{"type":"prediction","data":{..}}'}
 * is a valid prediction. Absent optional fields are {@code null}.
 *
 * @param predictionType what is predicted, e.g. {@code workload}
 * @param data named values (numbers, strings or booleans)
 * @param confidence in [0, 1]
 * @param source who made it, e.g. {@code eegstream:default} or a colleague's model name
 * @param timestamp the timestamp of the last sample of the window, seconds since the epoch
 * @param windowStart timestamp of the window's first sample
 * @param windowEnd timestamp of the window's last sample (equal to {@code timestamp})
 * @param sampleCount samples in the window
 * @param model model name, e.g. {@code builtin:indices}
 * @param modelVersion model version
 * @param partial true when the window was cut short because the stream stalled
 * @param calibrationWindows how many windows the user's baseline holds so far (the job's
 *     calibration: a consumer can tell a calibrated user from a new one, and a restore that
 *     continued it from one that started over)
 */
public record Prediction(
        String predictionType,
        Map<String, Object> data,
        Double confidence,
        String source,
        Double timestamp,
        Double windowStart,
        Double windowEnd,
        Integer sampleCount,
        String model,
        String modelVersion,
        Boolean partial,
        Integer calibrationWindows)
        implements WireMessage {

    public static final String TYPE = "prediction";

    public Prediction {
        if (data == null) {
            throw new WireException(RejectReason.MISSING_FIELD, "a prediction needs 'data'");
        }
        data = Collections.unmodifiableMap(new LinkedHashMap<>(data)); // keeps the publisher's key order
    }

    /** A prediction without calibration progress: a consumer's own model, say. */
    public Prediction(String predictionType, Map<String, Object> data, Double confidence, String source,
            Double timestamp, Double windowStart, Double windowEnd, Integer sampleCount, String model,
            String modelVersion, Boolean partial) {
        this(predictionType, data, confidence, source, timestamp, windowStart, windowEnd, sampleCount, model,
                modelVersion, partial, null);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
