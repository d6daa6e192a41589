package io.github.eegstream.lsl;

import java.util.Locale;

/** An LSL stream's value type, as named in its stream info. */
public enum ChannelFormat {
    FLOAT32(4),
    DOUBLE64(8),
    STRING(0),
    INT32(4),
    INT16(2),
    INT8(1),
    INT64(8);

    private final int valueSize;

    ChannelFormat(int valueSize) {
        this.valueSize = valueSize;
    }

    /** Bytes per value on the wire; 0 for strings, which carry their length. */
    public int valueSize() {
        return valueSize;
    }

    /** The name in stream info XML, e.g. {@code float32}. */
    public String xmlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ChannelFormat parse(String name) {
        for (ChannelFormat f : values()) {
            if (f.xmlName().equals(name == null ? "" : name.trim())) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown LSL channel format '" + name + "'");
    }

    /**
     * The value of channel {@code k} in the test pattern with {@code offset} (4, then 2), which an
     * outlet sends before any data so that byte order and format mistakes are caught.
     */
    public double testValue(int k, int offset) {
        long magnitude = switch (this) {
            case FLOAT32 -> k + offset;
            case DOUBLE64 -> k + offset + 16_777_217L;
            case INT32 -> (k + offset + 65_537L) % 2_147_483_647L;
            case INT16 -> (k + offset + 257L) % 32_767L;
            case INT8 -> (k + offset + 1L) % 127L;
            case INT64 -> 2_147_483_649L + offset + k;
            case STRING -> k + 10; // the offset plays no part for strings
        };
        return k % 2 == 0 ? magnitude : -magnitude;
    }

    /** The test pattern value of a string stream's channel {@code k}. */
    public static String testString(int k) {
        return Long.toString((long) STRING.testValue(k, 0));
    }
}
