package io.github.eegstream.connector.redis;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Encodes a sample of a rejected message for the source's dead-letter channel. Runs on the task
 * thread; must not throw (a failure only loses that dead letter). {@link #JSON} is the default.
 */
@FunctionalInterface
public interface DeadLetterSerializer extends Serializable {

    byte[] serialize(DeadLetter letter);

    /**
     * A rejected message.
     *
     * @param channel the channel (or stream key) it came on
     * @param reason the reason it is counted under
     * @param message why it was rejected ({@code ""} if unknown)
     * @param payload its first bytes (at most {@link #PAYLOAD_PREFIX_BYTES})
     * @param payloadBytes its whole size
     * @param timestamp when it was rejected, in seconds since the epoch
     */
    record DeadLetter(String channel, String reason, String message, byte[] payload, int payloadBytes, double timestamp) {}

    /** How much of a rejected message a dead letter carries. */
    int PAYLOAD_PREFIX_BYTES = 1024;

    /**
     * A JSON object: {@code type} ("rejected"), {@code channel}, {@code reason}, {@code message},
     * {@code payload} (Base64), {@code payload_bytes} and {@code timestamp}.
     */
    DeadLetterSerializer JSON = letter -> ("{\"type\":\"rejected\",\"channel\":" + quote(letter.channel())
            + ",\"reason\":" + quote(letter.reason()) + ",\"message\":" + quote(letter.message())
            + ",\"payload\":\"" + Base64.getEncoder().encodeToString(letter.payload()) + "\",\"payload_bytes\":"
            + letter.payloadBytes() + ",\"timestamp\":" + letter.timestamp() + "}").getBytes(StandardCharsets.UTF_8);

    /** {@code s} as a JSON string. */
    private static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
