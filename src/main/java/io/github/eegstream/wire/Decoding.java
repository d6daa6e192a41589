package io.github.eegstream.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Tree-to-record conversions for {@link WireCodec}; every check names the field at fault. */
final class Decoding {

    private Decoding() {}

    /** {@code {"type":"raw","timestamp":t,"channels":{"Fp1":v,...}}}: the seed's form. */
    static RawSamples rawSample(ObjectNode map) {
        double timestamp = finite(map, WireFields.TIMESTAMP);
        JsonNode channels = map.get(WireFields.CHANNELS);
        if (channels == null) {
            throw new WireException(RejectReason.MISSING_FIELD, "a raw sample needs 'channels'");
        }
        if (!channels.isObject() || channels.isEmpty()) {
            throw new WireException(RejectReason.WRONG_TYPE, "'channels' must be a non-empty map of name to number");
        }
        String[] names = new String[channels.size()];
        double[] values = new double[channels.size()];
        int i = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = channels.fields(); it.hasNext(); i++) {
            Map.Entry<String, JsonNode> e = it.next();
            names[i] = e.getKey();
            values[i] = finiteValue(e.getValue(), "channels." + e.getKey());
        }
        return RawSamples.single(timestamp, names, values);
    }

    /**
     * {@code {"type":"raw_chunk","channels":[..],"samples":[[..],..],"t0":t,"rate":hz}} or with
     * {@code "timestamps":[..]} instead of {@code t0}.
     */
    static RawSamples rawChunk(ObjectNode map) {
        JsonNode channels = require(map, WireFields.CHANNELS);
        if (!channels.isArray() || channels.isEmpty()) {
            throw new WireException(RejectReason.WRONG_TYPE, "'channels' must be a non-empty list of names");
        }
        String[] names = new String[channels.size()];
        for (int c = 0; c < names.length; c++) {
            JsonNode n = channels.get(c);
            if (!n.isTextual()) {
                throw new WireException(RejectReason.WRONG_TYPE, "'channels' must hold strings");
            }
            names[c] = n.textValue();
        }
        JsonNode samples = require(map, WireFields.SAMPLES);
        if (!samples.isArray() || samples.isEmpty()) {
            throw new WireException(RejectReason.WRONG_TYPE, "'samples' must be a non-empty list of rows");
        }
        int n = samples.size();
        double[] values = new double[n * names.length];
        for (int s = 0; s < n; s++) {
            JsonNode row = samples.get(s);
            if (!row.isArray() || row.size() != names.length) {
                throw new WireException(
                        RejectReason.WRONG_TYPE,
                        "'samples' row " + s + " must hold " + names.length + " numbers, one per channel");
            }
            for (int c = 0; c < names.length; c++) {
                values[s * names.length + c] = finiteValue(row.get(c), WireFields.SAMPLES);
            }
        }
        double rate = map.has(WireFields.RATE) ? finite(map, WireFields.RATE) : 0;
        if (rate < 0) {
            throw new WireException(RejectReason.WRONG_TYPE, "'rate' must be >= 0");
        }
        double[] timestamps = new double[n];
        JsonNode ts = map.get(WireFields.TIMESTAMPS);
        if (ts != null) {
            if (!ts.isArray() || ts.size() != n) {
                throw new WireException(RejectReason.WRONG_TYPE, "'timestamps' must hold one number per sample");
            }
            for (int s = 0; s < n; s++) {
                timestamps[s] = finiteValue(ts.get(s), WireFields.TIMESTAMPS);
            }
        } else {
            double t0 = finite(map, WireFields.T0);
            if (!(rate > 0)) {
                throw new WireException(RejectReason.MISSING_FIELD, "a chunk with 't0' needs a positive 'rate'");
            }
            for (int s = 0; s < n; s++) {
                timestamps[s] = RawChunkTiming.timestamp(t0, rate, s);
            }
        }
        return new RawSamples(names, timestamps, values, rate);
    }

    static Features features(ObjectNode map) {
        List<String> channels = strings(require(map, WireFields.CHANNELS), WireFields.CHANNELS);
        List<String> problems = strings(require(map, WireFields.QUALITY_PROBLEMS), WireFields.QUALITY_PROBLEMS);
        Map<String, Double> indices = new LinkedHashMap<>();
        JsonNode idx = require(map, WireFields.INDICES);
        if (!idx.isObject()) {
            throw new WireException(RejectReason.WRONG_TYPE, "'indices' must be a map");
        }
        idx.fields().forEachRemaining(e -> indices.put(e.getKey(), finiteValue(e.getValue(), "indices." + e.getKey())));
        return new Features(
                finite(map, WireFields.TIMESTAMP), finite(map, WireFields.WINDOW_START), finite(map, WireFields.WINDOW_END),
                (int) finite(map, WireFields.SAMPLE_COUNT), finite(map, WireFields.RATE), channels,
                perBand(map, WireFields.BAND_POWER, channels.size()), perBand(map, WireFields.RELATIVE_POWER, channels.size()),
                numbers(require(map, WireFields.QUALITY), WireFields.QUALITY), problems, indices, finite(map, WireFields.CONFIDENCE),
                optText(map, WireFields.SOURCE));
    }

    private static Map<String, double[]> perBand(ObjectNode map, String key, int channels) {
        JsonNode node = require(map, key);
        if (!node.isObject()) {
            throw new WireException(RejectReason.WRONG_TYPE, "'" + key + "' must map band names to lists");
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            double[] v = numbers(e.getValue(), key + "." + e.getKey());
            if (v.length != channels) {
                throw new WireException(RejectReason.WRONG_TYPE, "'" + key + "." + e.getKey() + "' needs one value per channel");
            }
            out.put(e.getKey(), v);
        });
        return out;
    }

    private static List<String> strings(JsonNode node, String key) {
        if (!node.isArray()) {
            throw new WireException(RejectReason.WRONG_TYPE, "'" + key + "' must be a list of strings");
        }
        List<String> out = new ArrayList<>(node.size());
        for (JsonNode n : node) {
            if (!n.isTextual()) {
                throw new WireException(RejectReason.WRONG_TYPE, "'" + key + "' must be a list of strings");
            }
            out.add(n.textValue());
        }
        return out;
    }

    private static double[] numbers(JsonNode node, String key) {
        if (!node.isArray()) {
            throw new WireException(RejectReason.WRONG_TYPE, "'" + key + "' must be a list of numbers");
        }
        double[] out = new double[node.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = finiteValue(node.get(i), key);
        }
        return out;
    }

    static Prediction prediction(ObjectNode map) {
        JsonNode data = require(map, WireFields.DATA);
        if (!data.isObject()) {
            throw new WireException(RejectReason.WRONG_TYPE, "'data' must be a map");
        }
        return new Prediction(
                optText(map, WireFields.PREDICTION_TYPE),
                orderedCopy(data.fields()),
                optNumber(map, WireFields.CONFIDENCE),
                optText(map, WireFields.SOURCE),
                optNumber(map, WireFields.TIMESTAMP),
                optNumber(map, WireFields.WINDOW_START),
                optNumber(map, WireFields.WINDOW_END),
                optInt(map, WireFields.SAMPLE_COUNT),
                optText(map, WireFields.MODEL),
                optText(map, WireFields.MODEL_VERSION),
                optBoolean(map, WireFields.PARTIAL),
                optInt(map, WireFields.CALIBRATION_WINDOWS));
    }

    static Command command(ObjectNode map) {
        JsonNode args = map.get(WireFields.ARGS);
        if (args != null && !args.isNull() && !args.isObject()) {
            throw new WireException(RejectReason.WRONG_TYPE, "'args' must be a map");
        }
        return new Command(
                optText(map, WireFields.COMMAND),
                args == null || args.isNull() ? null : orderedCopy(args.fields()),
                optText(map, WireFields.SOURCE),
                optNumber(map, WireFields.TIMESTAMP));
    }

    static Alert alert(ObjectNode map) {
        JsonNode data = map.get(WireFields.DATA);
        if (data != null && !data.isNull() && !data.isObject()) {
            throw new WireException(RejectReason.WRONG_TYPE, "'data' must be a map");
        }
        return new Alert(
                optText(map, WireFields.ALERT_TYPE),
                optText(map, WireFields.SEVERITY),
                optText(map, WireFields.STATE),
                optText(map, WireFields.MESSAGE),
                optText(map, WireFields.SOURCE),
                optNumber(map, WireFields.TIMESTAMP),
                data == null || data.isNull() ? null : orderedCopy(data.fields()));
    }

    static Map<String, Object> toMap(ObjectNode map) {
        return orderedCopy(map.fields());
    }

    /** JSON-like plain Java values: Map, List, String, Number, Boolean, byte[] or null. */
    static Object toPlain(JsonNode v) {
        if (v.isObject()) {
            return orderedCopy(v.fields());
        }
        if (v.isArray()) {
            List<Object> list = new ArrayList<>(v.size());
            v.forEach(e -> list.add(toPlain(e)));
            return list;
        }
        if (v.isTextual()) {
            return v.textValue();
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isIntegralNumber()) {
            return v.canConvertToLong() ? (Object) v.longValue() : v.bigIntegerValue();
        }
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isBinary()) {
            try {
                return v.binaryValue();
            } catch (java.io.IOException e) {
                return null;
            }
        }
        return null;
    }

    static String optText(ObjectNode map, String key) {
        JsonNode v = map.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new WireException(RejectReason.WRONG_TYPE, "'" + key + "' must be a string");
        }
        return v.textValue();
    }

    static Map<String, Object> orderedCopy(Iterator<Map.Entry<String, JsonNode>> fields) {
        Map<String, Object> out = new LinkedHashMap<>();
        fields.forEachRemaining(e -> out.put(e.getKey(), Decoding.toPlain(e.getValue())));
        return out;
    }

    private static JsonNode require(ObjectNode map, String key) {
        JsonNode v = map.get(key);
        if (v == null || v.isNull()) {
            throw new WireException(RejectReason.MISSING_FIELD, "missing '" + key + "'");
        }
        return v;
    }

    private static double finite(ObjectNode map, String key) {
        return finiteValue(require(map, key), key);
    }

    private static double finiteValue(JsonNode v, String field) {
        if (v == null || !v.isNumber()) {
            throw new WireException(RejectReason.WRONG_TYPE, "'" + field + "' must be a number");
        }
        double d = v.doubleValue();
        if (!Double.isFinite(d)) {
            throw new WireException(RejectReason.NON_FINITE, "'" + field + "' is " + d);
        }
        return d;
    }

    private static Double optNumber(ObjectNode map, String key) {
        JsonNode v = map.get(key);
        return v == null || v.isNull() ? null : finiteValue(v, key);
    }

    private static Integer optInt(ObjectNode map, String key) {
        JsonNode v = map.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new WireException(RejectReason.WRONG_TYPE, "'" + key + "' must be an integer");
        }
        return v.intValue();
    }

    private static Boolean optBoolean(ObjectNode map, String key) {
        JsonNode v = map.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw new WireException(RejectReason.WRONG_TYPE, "'" + key + "' must be true or false");
        }
        return v.booleanValue();
    }
}
