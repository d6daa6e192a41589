package io.github.eegstream.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;

/**
 * Reads one msgpack value into the Jackson tree that JSON input is read into too, so one set of
 * checks ({@link Decoding}) serves both formats. Rejects trailing bytes, extension types, non-string
 * map keys and nesting deeper than the limit.
 */
final class MsgpackTrees {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private MsgpackTrees() {}

    static JsonNode read(byte[] payload, int maxDepth) throws IOException {
        try (MessageUnpacker in = MessagePack.newDefaultUnpacker(payload)) {
            JsonNode node = value(in, maxDepth);
            if (in.hasNext()) {
                throw new IOException("trailing bytes after the message");
            }
            return node;
        }
    }

    /** A string as its UTF-8 bytes: much cheaper than msgpack-core's decoder for short strings. */
    static String string(MessageUnpacker in) throws IOException {
        int length = in.unpackRawStringHeader();
        return new String(in.readPayload(length), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static JsonNode value(MessageUnpacker in, int depth) throws IOException {
        if (depth < 0) {
            throw new IOException("nested too deeply");
        }
        MessageFormat format = in.getNextFormat();
        switch (format.getValueType()) {
            case NIL:
                in.unpackNil();
                return NODES.nullNode();
            case BOOLEAN:
                return NODES.booleanNode(in.unpackBoolean());
            case INTEGER:
                if (format == MessageFormat.UINT64) {
                    BigInteger big = in.unpackBigInteger();
                    return big.bitLength() < 64 ? NODES.numberNode(big.longValue()) : NODES.numberNode(big);
                }
                return NODES.numberNode(in.unpackLong());
            case FLOAT:
                return NODES.numberNode(in.unpackDouble());
            case STRING:
                return NODES.textNode(string(in));
            case BINARY:
                return NODES.binaryNode(in.readPayload(in.unpackBinaryHeader()));
            case ARRAY: {
                int n = in.unpackArrayHeader();
                ArrayNode array = NODES.arrayNode(Math.min(n, 1024));
                for (int i = 0; i < n; i++) {
                    array.add(value(in, depth - 1));
                }
                return array;
            }
            case MAP: {
                int n = in.unpackMapHeader();
                ObjectNode map = NODES.objectNode();
                for (int i = 0; i < n; i++) {
                    if (in.getNextFormat().getValueType() != org.msgpack.value.ValueType.STRING) {
                        throw new IOException("map keys must be strings");
                    }
                    String key = string(in);
                    map.set(key, value(in, depth - 1));
                }
                return map;
            }
            default:
                throw new IOException("unsupported msgpack type " + format);
        }
    }
}
