package io.github.eegstream.connector.redis;

import io.lettuce.core.codec.RedisCodec;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.annotation.Internal;

/**
 * Keys as byte arrays, values as {@link Payload}s that are copied out of Lettuce's buffer only if
 * they fit, so that what a reader holds is bounded in bytes before anything is queued, whatever a
 * sender publishes:
 *
 * <ul>
 *   <li>a key (a channel name, a stream's key or field name) keeps at most {@link #MAX_KEY_BYTES}:
 *       a longer one is no valid channel anyway, and is rejected as such;
 *   <li>a value over {@code maxValueBytes} keeps only a short prefix, for the dead letter;
 *   <li>with a budget (XREAD), a stream entry's fields other than {@code field} are not copied,
 *       and {@code field} values beyond the bytes left in the budget are not copied either (the
 *       reader reads them again next time). The first value of a reply always fits.
 * </ul>
 *
 * Lettuce decodes a reply on its I/O thread while the caller waits for it, so the budget is
 * reset before a command and read after it.
 */
@Internal
public final class LimitedValueCodec implements RedisCodec<byte[], LimitedValueCodec.Payload> {

    /** How much of an oversized value is kept, for the dead-letter sample. */
    public static final int PREFIX_BYTES = 1024;
    /** Longer than any valid channel name ({@code user:}, 64 characters, {@code :predictions}). */
    public static final int MAX_KEY_BYTES = 256;

    /** A value as received: its bytes, or a prefix of them if it was too large, or none beyond the budget. */
    public record Payload(byte[] bytes, int length, boolean overBudget) {
        /** True if the value was larger than the reader accepts; {@link #bytes} is then only its prefix. */
        public boolean tooLarge(int maxValueBytes) {
            return length > maxValueBytes;
        }
    }

    private static final Payload SKIPPED = new Payload(new byte[0], 0, false);

    private final int maxValueBytes;
    private final byte[] field;
    private final AtomicLong budget = new AtomicLong(Long.MAX_VALUE);
    private volatile boolean spentAny;
    private volatile boolean lastKeyIsField;

    private LimitedValueCodec(int maxValueBytes, byte[] field) {
        this.maxValueBytes = maxValueBytes;
        this.field = field;
    }

    /** For pub/sub: every message is a value; no budget. */
    public static LimitedValueCodec unbudgeted(int maxValueBytes) {
        return new LimitedValueCodec(maxValueBytes, null);
    }

    /** For XREAD: only {@code field}'s values are kept, within a budget set per reply. */
    public static LimitedValueCodec budgeted(int maxValueBytes, byte[] field) {
        return new LimitedValueCodec(maxValueBytes, field);
    }

    /** Starts a new budget of {@code bytes} for the values of the next reply. */
    public void resetBudget(long bytes) {
        budget.set(bytes);
        spentAny = false;
    }

    @Override
    public byte[] decodeKey(ByteBuffer bytes) {
        byte[] key = copy(bytes, MAX_KEY_BYTES);
        lastKeyIsField = field != null && Arrays.equals(key, field);
        return key;
    }

    @Override
    public Payload decodeValue(ByteBuffer bytes) {
        int length = bytes.remaining();
        if (field != null && !lastKeyIsField) {
            return SKIPPED; // a field the reader does not read: neither copied nor counted
        }
        if (length > maxValueBytes) {
            return new Payload(copy(bytes, PREFIX_BYTES), length, false);
        }
        if (field != null) {
            if (budget.addAndGet(-length) < 0 && spentAny) {
                return new Payload(null, length, true);
            }
            spentAny = true;
        }
        return new Payload(copy(bytes, length), length, false);
    }

    private static byte[] copy(ByteBuffer bytes, int max) {
        byte[] out = new byte[Math.min(max, bytes.remaining())];
        bytes.get(out);
        return out;
    }

    @Override
    public ByteBuffer encodeKey(byte[] key) {
        return ByteBuffer.wrap(key);
    }

    @Override
    public ByteBuffer encodeValue(Payload value) {
        return ByteBuffer.wrap(value.bytes());
    }
}
