package io.github.eegstream.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/**
 * Encodes messages as msgpack maps and decodes msgpack or JSON text, as documented in
 * {@code docs/wire-format.md}. Thread-safe.
 *
 * <p>Both formats are read into the same Jackson tree and checked by one decoder, and written by
 * one encoder (msgpack through msgpack-core, JSON through Jackson), so they cannot drift apart.
 * Malformed input raises {@link WireException} carrying a {@link RejectReason}.
 */
public final class WireCodec {

    /** Larger payloads are rejected before parsing. A 256-sample chunk of 64 channels is ~150 kB. */
    public static final int DEFAULT_MAX_BYTES = 4 << 20;

    private static final int MAX_NESTING = 32;

    private final int maxBytes;
    private final ObjectMapper json;
    /** A reused output buffer per thread: encoding allocates only the result. */
    private static final ThreadLocal<MessageBufferPacker> PACKERS = ThreadLocal.withInitial(MessagePack::newDefaultBufferPacker);
    /** The per-sample hot path; per thread, as it remembers the last channel layout. */
    private final ThreadLocal<FastRawDecoder> fastRaw = ThreadLocal.withInitial(FastRawDecoder::new);

    public WireCodec() {
        this(DEFAULT_MAX_BYTES);
    }

    public WireCodec(int maxBytes) {
        this.maxBytes = maxBytes;
        // Python's json.dumps writes NaN and Infinity: read them, so they are rejected as non_finite.
        this.json = mapper(JsonFactory.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build());
    }

    private static ObjectMapper mapper(JsonFactory factory) {
        factory.setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build());
        return new ObjectMapper(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    // ---------------------------------------------------------------- decoding

    /**
     * Decodes a message received on a channel of {@code kind}. A message without {@code type}
     * takes the channel's own type ({@code raw}, {@code features}, {@code prediction},
     * {@code command}, {@code alert}).
     *
     * @throws WireException if the payload is not a valid message for that channel
     */
    public WireMessage decode(ChannelKind kind, byte[] payload) {
        ObjectNode map = parseMap(payload);
        String type = Decoding.optText(map, WireFields.TYPE);
        if (type == null) {
            type = defaultType(kind);
        }
        WireMessage message = switch (type) {
            case RawSamples.TYPE -> Decoding.rawSample(map);
            case RawSamples.CHUNK_TYPE -> Decoding.rawChunk(map);
            case Prediction.TYPE -> Decoding.prediction(map);
            case Command.TYPE -> Decoding.command(map);
            case Alert.TYPE -> Decoding.alert(map);
            case Features.TYPE -> Decoding.features(map);
            default -> throw new WireException(RejectReason.UNKNOWN_TYPE, "unknown message type '" + type + "'");
        };
        if (!carries(kind, message)) {
            throw new WireException(
                    RejectReason.UNKNOWN_TYPE,
                    "a '" + type + "' message does not belong on a " + kind.suffix() + " channel");
        }
        return message;
    }

    /** Decodes a {@code raw} or {@code raw_chunk} message. */
    public RawSamples decodeRaw(byte[] payload) {
        if (payload != null && payload.length <= maxBytes && !looksLikeJson(payload)) {
            RawSamples fast = fastRaw.get().decode(payload);
            if (fast != null) {
                return fast;
            }
        }
        return (RawSamples) decode(ChannelKind.RAW, payload);
    }

    /**
     * Re-encodes any msgpack or JSON map as one line of JSON, whatever its type: what
     * {@code eeg subscribe --json} prints.
     */
    public String toJson(byte[] payload) {
        try {
            return json.writeValueAsString(parseMap(payload));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a msgpack or JSON payload as a generic map, for messages this codec does not model. */
    public Map<String, Object> decodeMap(byte[] payload) {
        return Decoding.toMap(parseMap(payload));
    }

    private ObjectNode parseMap(byte[] payload) {
        if (payload == null || payload.length == 0) {
            throw new WireException(RejectReason.UNPARSEABLE, "empty message");
        }
        if (payload.length > maxBytes) {
            throw new WireException(
                    RejectReason.TOO_LARGE, "message of " + payload.length + " bytes exceeds " + maxBytes);
        }
        JsonNode node;
        try {
            node = looksLikeJson(payload) ? json.readTree(payload) : MsgpackTrees.read(payload, MAX_NESTING);
        } catch (IOException | RuntimeException e) {
            throw new WireException(RejectReason.UNPARSEABLE, "not msgpack or JSON: " + firstLine(e.getMessage()));
        }
        if (node == null || !node.isObject()) {
            throw new WireException(RejectReason.NOT_A_MAP, "message is not a map");
        }
        return (ObjectNode) node;
    }

    /** A msgpack map never starts with '{', '[' or whitespace: those bytes are msgpack integers. */
    private static boolean looksLikeJson(byte[] payload) {
        for (byte b : payload) {
            if (b == '{' || b == '[') {
                return true;
            }
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return false;
    }

    private static String defaultType(ChannelKind kind) {
        return switch (kind) {
            case RAW -> RawSamples.TYPE;
            case PREDICTIONS -> Prediction.TYPE;
            case COMMANDS -> Command.TYPE;
            case ALERTS -> Alert.TYPE;
            case FEATURES -> Features.TYPE;
        };
    }

    private static boolean carries(ChannelKind kind, WireMessage message) {
        return switch (kind) {
            case RAW -> message instanceof RawSamples;
            case PREDICTIONS -> message instanceof Prediction;
            case COMMANDS -> message instanceof Command;
            case ALERTS -> message instanceof Alert;
            case FEATURES -> message instanceof Features;
        };
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "truncated or invalid";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    // ---------------------------------------------------------------- encoding

    /** Encodes as a msgpack map. */
    public byte[] encode(WireMessage message) {
        MessageBufferPacker packer = PACKERS.get();
        packer.clear();
        try {
            Encoding.write(ValueWriter.msgpack(packer), message);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return packer.toByteArray();
    }

    /** Encodes as one line of JSON text (which every reader accepts too). */
    public String encodeJson(WireMessage message) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator gen = json.getFactory().createGenerator(out)) {
            Encoding.write(ValueWriter.json(gen), message);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Encodes a generic map (numbers, strings, booleans, lists, maps) as msgpack. */
    public byte[] encodeMap(Map<String, ?> map) {
        MessageBufferPacker packer = PACKERS.get();
        packer.clear();
        try {
            Encoding.plain(ValueWriter.msgpack(packer), map);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return packer.toByteArray();
    }
}
