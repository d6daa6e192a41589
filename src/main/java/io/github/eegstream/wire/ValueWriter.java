package io.github.eegstream.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import org.msgpack.core.MessagePacker;

/**
 * Where {@link Encoding} writes: msgpack (sizes of maps and arrays up front, as msgpack needs them)
 * or JSON text (which closes containers instead). One encoding, two thin backends.
 */
interface ValueWriter {

    void map(int entries) throws IOException;

    void array(int elements) throws IOException;

    /** Ends the innermost map or array (JSON only: msgpack knows the sizes). */
    void end() throws IOException;

    void key(String key) throws IOException;

    void string(String value) throws IOException;

    void number(double value) throws IOException;

    /** A value known to be exactly a float32: msgpack stores it in 5 bytes instead of 9. */
    void float32(float value) throws IOException;

    void integer(long value) throws IOException;

    void bool(boolean value) throws IOException;

    void nil() throws IOException;

    void binary(byte[] value) throws IOException;

    /** Whether float32 saves space (msgpack); JSON text has one number type. */
    boolean compactFloats();

    static ValueWriter msgpack(MessagePacker p) {
        return new ValueWriter() {
            public void map(int entries) throws IOException {
                p.packMapHeader(entries);
            }

            public void array(int elements) throws IOException {
                p.packArrayHeader(elements);
            }

            public void end() {}

            public void key(String key) throws IOException {
                p.packString(key);
            }

            public void string(String value) throws IOException {
                p.packString(value);
            }

            public void number(double value) throws IOException {
                p.packDouble(value);
            }

            public void float32(float value) throws IOException {
                p.packFloat(value);
            }

            public void integer(long value) throws IOException {
                p.packLong(value);
            }

            public void bool(boolean value) throws IOException {
                p.packBoolean(value);
            }

            public void nil() throws IOException {
                p.packNil();
            }

            public void binary(byte[] value) throws IOException {
                p.packBinaryHeader(value.length);
                p.writePayload(value);
            }

            public boolean compactFloats() {
                return true;
            }
        };
    }

    static ValueWriter json(JsonGenerator g) {
        return new ValueWriter() {
            private final java.util.ArrayDeque<Boolean> open = new java.util.ArrayDeque<>(); // true: a map

            public void map(int entries) throws IOException {
                g.writeStartObject();
                open.push(true);
            }

            public void array(int elements) throws IOException {
                g.writeStartArray();
                open.push(false);
            }

            public void end() throws IOException {
                if (open.pop()) {
                    g.writeEndObject();
                } else {
                    g.writeEndArray();
                }
            }

            public void key(String key) throws IOException {
                g.writeFieldName(key);
            }

            public void string(String value) throws IOException {
                g.writeString(value);
            }

            public void number(double value) throws IOException {
                g.writeNumber(value);
            }

            public void float32(float value) throws IOException {
                g.writeNumber((double) value); // JSON text: the double's digits read back exactly
            }

            public void integer(long value) throws IOException {
                g.writeNumber(value);
            }

            public void bool(boolean value) throws IOException {
                g.writeBoolean(value);
            }

            public void nil() throws IOException {
                g.writeNull();
            }

            public void binary(byte[] value) throws IOException {
                g.writeBinary(value);
            }

            public boolean compactFloats() {
                return false;
            }
        };
    }
}
