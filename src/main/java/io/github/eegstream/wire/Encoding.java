package io.github.eegstream.wire;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** Record-to-writer encoding for {@link WireCodec}, shared by msgpack and JSON output. */
final class Encoding {

    private Encoding() {}

    static void write(ValueWriter w, WireMessage message) throws IOException {
        if (message instanceof RawSamples raw) {
            raw(w, raw);
        } else if (message instanceof Features f) {
            features(w, f);
        } else if (message instanceof Prediction p) {
            prediction(w, p);
        } else if (message instanceof Command c) {
            command(w, c);
        } else if (message instanceof Alert a) {
            alert(w, a);
        }
    }

    private static void raw(ValueWriter w, RawSamples raw) throws IOException {
        String[] channels = raw.channels();
        double[] values = raw.values();
        if (raw.sampleCount() == 1) {
            w.map(3);
            type(w, raw);
            w.key(WireFields.TIMESTAMP);
            w.number(raw.timestamps()[0]);
            w.key(WireFields.CHANNELS);
            w.map(channels.length);
            for (int c = 0; c < channels.length; c++) {
                w.key(channels[c]);
                sampleValue(w, values[c]);
            }
            w.end();
            w.end();
            return;
        }
        boolean regular = RawChunkTiming.isRegular(raw.timestamps(), raw.rate());
        w.map(raw.rate() > 0 ? 5 : 4);
        type(w, raw);
        w.key(WireFields.CHANNELS);
        w.array(channels.length);
        for (String name : channels) {
            w.string(name);
        }
        w.end();
        if (regular) {
            w.key(WireFields.T0);
            w.number(raw.timestamps()[0]);
        } else {
            w.key(WireFields.TIMESTAMPS);
            w.array(raw.sampleCount());
            for (double t : raw.timestamps()) {
                w.number(t);
            }
            w.end();
        }
        if (raw.rate() > 0) {
            w.key(WireFields.RATE);
            w.number(raw.rate());
        }
        w.key(WireFields.SAMPLES);
        w.array(raw.sampleCount());
        for (int s = 0, i = 0; s < raw.sampleCount(); s++) {
            w.array(channels.length);
            for (int c = 0; c < channels.length; c++, i++) {
                sampleValue(w, values[i]);
            }
            w.end();
        }
        w.end();
        w.end();
    }

    /** A sample value: float32 in msgpack when that is exact, so nothing is rounded. */
    private static void sampleValue(ValueWriter w, double v) throws IOException {
        if (w.compactFloats() && (float) v == v) {
            w.float32((float) v);
        } else {
            w.number(v);
        }
    }

    private static void features(ValueWriter w, Features f) throws IOException {
        w.map(f.source() == null ? 13 : 14);
        type(w, f);
        number(w, WireFields.TIMESTAMP, f.timestamp());
        number(w, WireFields.WINDOW_START, f.windowStart());
        number(w, WireFields.WINDOW_END, f.windowEnd());
        w.key(WireFields.SAMPLE_COUNT);
        w.integer(f.sampleCount());
        number(w, WireFields.RATE, f.rate());
        w.key(WireFields.CHANNELS);
        w.array(f.channels().size());
        for (String c : f.channels()) {
            w.string(c);
        }
        w.end();
        perBand(w, WireFields.BAND_POWER, f.bandPower());
        perBand(w, WireFields.RELATIVE_POWER, f.relativePower());
        w.key(WireFields.QUALITY);
        numbers(w, f.quality());
        w.key(WireFields.QUALITY_PROBLEMS);
        w.array(f.qualityProblems().size());
        for (String p : f.qualityProblems()) {
            w.string(p);
        }
        w.end();
        w.key(WireFields.INDICES);
        w.map(f.indices().size());
        for (Map.Entry<String, Double> e : f.indices().entrySet()) {
            number(w, e.getKey(), e.getValue());
        }
        w.end();
        number(w, WireFields.CONFIDENCE, f.confidence());
        if (f.source() != null) {
            string(w, WireFields.SOURCE, f.source());
        }
        w.end();
    }

    private static void perBand(ValueWriter w, String key, Map<String, double[]> values) throws IOException {
        w.key(key);
        w.map(values.size());
        for (Map.Entry<String, double[]> e : values.entrySet()) {
            w.key(e.getKey());
            numbers(w, e.getValue());
        }
        w.end();
    }

    private static void numbers(ValueWriter w, double[] values) throws IOException {
        w.array(values.length);
        for (double v : values) {
            w.number(v);
        }
        w.end();
    }

    private static void prediction(ValueWriter w, Prediction p) throws IOException {
        w.map(2 + count(p.predictionType(), p.confidence(), p.source(), p.timestamp(), p.windowStart(), p.windowEnd(),
                p.sampleCount(), p.model(), p.modelVersion(), p.partial(), p.calibrationWindows()));
        type(w, p);
        if (p.predictionType() != null) {
            string(w, WireFields.PREDICTION_TYPE, p.predictionType());
        }
        w.key(WireFields.DATA);
        plain(w, p.data());
        optNumber(w, WireFields.CONFIDENCE, p.confidence());
        optString(w, WireFields.SOURCE, p.source());
        optNumber(w, WireFields.TIMESTAMP, p.timestamp());
        optNumber(w, WireFields.WINDOW_START, p.windowStart());
        optNumber(w, WireFields.WINDOW_END, p.windowEnd());
        if (p.sampleCount() != null) {
            w.key(WireFields.SAMPLE_COUNT);
            w.integer(p.sampleCount());
        }
        optString(w, WireFields.MODEL, p.model());
        optString(w, WireFields.MODEL_VERSION, p.modelVersion());
        if (p.partial() != null) {
            w.key(WireFields.PARTIAL);
            w.bool(p.partial());
        }
        if (p.calibrationWindows() != null) {
            w.key(WireFields.CALIBRATION_WINDOWS);
            w.integer(p.calibrationWindows());
        }
        w.end();
    }

    private static void command(ValueWriter w, Command c) throws IOException {
        w.map(2 + (c.args().isEmpty() ? 0 : 1) + count(c.source(), c.timestamp()));
        type(w, c);
        string(w, WireFields.COMMAND, c.command());
        if (!c.args().isEmpty()) {
            w.key(WireFields.ARGS);
            plain(w, c.args());
        }
        optString(w, WireFields.SOURCE, c.source());
        optNumber(w, WireFields.TIMESTAMP, c.timestamp());
        w.end();
    }

    private static void alert(ValueWriter w, Alert a) throws IOException {
        w.map(4 + count(a.message(), a.source(), a.timestamp()) + (a.data().isEmpty() ? 0 : 1));
        type(w, a);
        string(w, WireFields.ALERT_TYPE, a.alertType());
        string(w, WireFields.SEVERITY, a.severity());
        string(w, WireFields.STATE, a.state());
        optString(w, WireFields.MESSAGE, a.message());
        optString(w, WireFields.SOURCE, a.source());
        optNumber(w, WireFields.TIMESTAMP, a.timestamp());
        if (!a.data().isEmpty()) {
            w.key(WireFields.DATA);
            plain(w, a.data());
        }
        w.end();
    }

    private static void type(ValueWriter w, WireMessage m) throws IOException {
        string(w, WireFields.TYPE, m.type());
    }

    private static int count(Object... optional) {
        int n = 0;
        for (Object o : optional) {
            n += o == null ? 0 : 1;
        }
        return n;
    }

    private static void string(ValueWriter w, String key, String value) throws IOException {
        w.key(key);
        w.string(value);
    }

    private static void number(ValueWriter w, String key, double value) throws IOException {
        w.key(key);
        w.number(value);
    }

    private static void optString(ValueWriter w, String key, String value) throws IOException {
        if (value != null) {
            string(w, key, value);
        }
    }

    private static void optNumber(ValueWriter w, String key, Double value) throws IOException {
        if (value != null) {
            number(w, key, value);
        }
    }

    /** JSON-like plain values: maps, lists, strings, numbers, booleans, bytes, null. */
    static void plain(ValueWriter w, Object value) throws IOException {
        if (value == null) {
            w.nil();
        } else if (value instanceof Map<?, ?> map) {
            w.map(map.size());
            for (Map.Entry<?, ?> e : map.entrySet()) {
                w.key(String.valueOf(e.getKey()));
                plain(w, e.getValue());
            }
            w.end();
        } else if (value instanceof List<?> list) {
            w.array(list.size());
            for (Object o : list) {
                plain(w, o);
            }
            w.end();
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            w.integer(((Number) value).longValue());
        } else if (value instanceof Number n) {
            w.number(n.doubleValue());
        } else if (value instanceof Boolean b) {
            w.bool(b);
        } else if (value instanceof byte[] bytes) {
            w.binary(bytes);
        } else {
            w.string(value.toString());
        }
    }
}
