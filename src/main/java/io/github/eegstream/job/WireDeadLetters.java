package io.github.eegstream.job;

import io.github.eegstream.connector.redis.DeadLetterSerializer;
import io.github.eegstream.wire.WireCodec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The job's dead letters in the wire format: a map of {@code type} ("rejected"), {@code channel},
 * {@code reason}, {@code message}, {@code payload} (its first bytes), {@code payload_bytes} and
 * {@code timestamp}, encoded as the rest of our messages are.
 */
final class WireDeadLetters implements DeadLetterSerializer {

    static final WireDeadLetters INSTANCE = new WireDeadLetters();
    private static final WireCodec CODEC = new WireCodec();

    private WireDeadLetters() {}

    @Override
    public byte[] serialize(DeadLetter letter) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("type", "rejected");
        entry.put("channel", letter.channel());
        entry.put("reason", letter.reason());
        entry.put("message", letter.message());
        entry.put("payload", letter.payload());
        entry.put("payload_bytes", letter.payloadBytes());
        entry.put("timestamp", letter.timestamp());
        return CODEC.encodeMap(entry);
    }
}
