package io.github.eegstream.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** Record-to-generator writing for {@link WireCodec}, shared by msgpack and JSON output. */
final class Encoding {

    private Encoding() {}

    /**
     * @param compactFloats write a value as float32 when that is exact (msgpack only: JSON text
     *     has one number type, and float32 digits would not read back as the same double)
     */
    static void write(JsonGenerator gen, WireMessage message, boolean compactFloats) throws IOException {
        gen.writeStartObject();
        gen.writeStringField("type", message.type());
        if (message instanceof RawSamples raw) {
            raw(gen, raw, compactFloats);
        } else if (message instanceof Features f) {
            features(gen, f);
        } else if (message instanceof Prediction p) {
            prediction(gen, p);
        } else if (message instanceof Command c) {
            command(gen, c);
        } else if (message instanceof Alert a) {
            alert(gen, a);
        }
        gen.writeEndObject();
    }

    private static void raw(JsonGenerator gen, RawSamples raw, boolean compact) throws IOException {
        String[] channels = raw.channels();
        if (raw.sampleCount() == 1) {
            gen.writeNumberField("timestamp", raw.timestamps()[0]);
            gen.writeObjectFieldStart("channels");
            for (int c = 0; c < channels.length; c++) {
                gen.writeFieldName(channels[c]);
                number(gen, raw.values()[c], compact);
            }
            gen.writeEndObject();
            return;
        }
        gen.writeArrayFieldStart("channels");
        for (String name : channels) {
            gen.writeString(name);
        }
        gen.writeEndArray();
        if (RawChunkTiming.isRegular(raw.timestamps(), raw.rate())) {
            gen.writeNumberField("t0", raw.timestamps()[0]);
        } else {
            gen.writeArrayFieldStart("timestamps");
            for (double t : raw.timestamps()) {
                gen.writeNumber(t);
            }
            gen.writeEndArray();
        }
        if (raw.rate() > 0) {
            gen.writeNumberField("rate", raw.rate());
        }
        gen.writeArrayFieldStart("samples");
        double[] values = raw.values();
        for (int s = 0, i = 0; s < raw.sampleCount(); s++) {
            gen.writeStartArray();
            for (int c = 0; c < channels.length; c++, i++) {
                number(gen, values[i], compact);
            }
            gen.writeEndArray();
        }
        gen.writeEndArray();
    }

    private static void prediction(JsonGenerator gen, Prediction p) throws IOException {
        optString(gen, "prediction_type", p.predictionType());
        gen.writeFieldName("data");
        plain(gen, p.data());
        optNumber(gen, "confidence", p.confidence());
        optString(gen, "source", p.source());
        optNumber(gen, "timestamp", p.timestamp());
        optNumber(gen, "window_start", p.windowStart());
        optNumber(gen, "window_end", p.windowEnd());
        if (p.sampleCount() != null) {
            gen.writeNumberField("sample_count", p.sampleCount());
        }
        optString(gen, "model", p.model());
        optString(gen, "model_version", p.modelVersion());
        if (p.partial() != null) {
            gen.writeBooleanField("partial", p.partial());
        }
    }

    private static void features(JsonGenerator gen, Features f) throws IOException {
        gen.writeNumberField("timestamp", f.timestamp());
        gen.writeNumberField("window_start", f.windowStart());
        gen.writeNumberField("window_end", f.windowEnd());
        gen.writeNumberField("sample_count", f.sampleCount());
        gen.writeNumberField("rate", f.rate());
        gen.writeArrayFieldStart("channels");
        for (String c : f.channels()) {
            gen.writeString(c);
        }
        gen.writeEndArray();
        perBand(gen, "band_power", f.bandPower());
        perBand(gen, "relative_power", f.relativePower());
        gen.writeArrayFieldStart("quality");
        for (double q : f.quality()) {
            gen.writeNumber(q);
        }
        gen.writeEndArray();
        gen.writeArrayFieldStart("quality_problems");
        for (String p : f.qualityProblems()) {
            gen.writeString(p);
        }
        gen.writeEndArray();
        gen.writeObjectFieldStart("indices");
        for (Map.Entry<String, Double> e : f.indices().entrySet()) {
            gen.writeNumberField(e.getKey(), e.getValue());
        }
        gen.writeEndObject();
        gen.writeNumberField("confidence", f.confidence());
        optString(gen, "source", f.source());
    }

    private static void perBand(JsonGenerator gen, String key, Map<String, double[]> values) throws IOException {
        gen.writeObjectFieldStart(key);
        for (Map.Entry<String, double[]> e : values.entrySet()) {
            gen.writeArrayFieldStart(e.getKey());
            for (double v : e.getValue()) {
                gen.writeNumber(v);
            }
            gen.writeEndArray();
        }
        gen.writeEndObject();
    }

    private static void command(JsonGenerator gen, Command c) throws IOException {
        gen.writeStringField("command", c.command());
        if (!c.args().isEmpty()) {
            gen.writeFieldName("args");
            plain(gen, c.args());
        }
        optString(gen, "source", c.source());
        optNumber(gen, "timestamp", c.timestamp());
    }

    private static void alert(JsonGenerator gen, Alert a) throws IOException {
        gen.writeStringField("alert_type", a.alertType());
        gen.writeStringField("severity", a.severity());
        gen.writeStringField("state", a.state());
        optString(gen, "message", a.message());
        optString(gen, "source", a.source());
        optNumber(gen, "timestamp", a.timestamp());
        if (!a.data().isEmpty()) {
            gen.writeFieldName("data");
            plain(gen, a.data());
        }
    }

    private static void number(JsonGenerator gen, double v, boolean compact) throws IOException {
        if (compact && (float) v == v) {
            gen.writeNumber((float) v);
        } else {
            gen.writeNumber(v);
        }
    }

    private static void optString(JsonGenerator gen, String key, String value) throws IOException {
        if (value != null) {
            gen.writeStringField(key, value);
        }
    }

    private static void optNumber(JsonGenerator gen, String key, Double value) throws IOException {
        if (value != null) {
            gen.writeNumberField(key, value);
        }
    }

    private static void plain(JsonGenerator gen, Object value) throws IOException {
        if (value == null) {
            gen.writeNull();
        } else if (value instanceof Map<?, ?> map) {
            gen.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                gen.writeFieldName(String.valueOf(e.getKey()));
                plain(gen, e.getValue());
            }
            gen.writeEndObject();
        } else if (value instanceof List<?> list) {
            gen.writeStartArray();
            for (Object o : list) {
                plain(gen, o);
            }
            gen.writeEndArray();
        } else if (value instanceof Integer || value instanceof Long) {
            gen.writeNumber(((Number) value).longValue());
        } else if (value instanceof Number n) {
            gen.writeNumber(n.doubleValue());
        } else if (value instanceof Boolean b) {
            gen.writeBoolean(b);
        } else if (value instanceof byte[] bytes) {
            gen.writeBinary(bytes);
        } else {
            gen.writeString(value.toString());
        }
    }
}
