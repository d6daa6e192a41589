package io.github.eegstream.job.source;

import io.lettuce.core.codec.RedisCodec;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keys as byte arrays, values as {@link Payload}s that are copied out of Lettuce's buffer only if
 * they fit: a value over {@code maxValueBytes} keeps only a short prefix (for the dead letter), and
 * with a budget (XREAD), values beyond the bytes left in it are not copied at all. So what a reader
 * holds is bounded in bytes before anything is queued, whatever a sender publishes.
 */
final class LimitedValueCodec implements RedisCodec<byte[], LimitedValueCodec.Payload> {

    /** How much of an oversized value is kept, for the dead-letter sample. */
    static final int PREFIX_BYTES = 1024;

    /** A value as received: its bytes, or a prefix of them if it was too large, or none beyond the budget. */
    record Payload(byte[] bytes, int length, boolean overBudget) {
        /** True if the value was larger than the reader accepts; {@link #bytes} is then only its prefix. */
        boolean tooLarge(int maxValueBytes) {
            return length > maxValueBytes;
        }
    }

    private final int maxValueBytes;
    private final AtomicLong budget = new AtomicLong(Long.MAX_VALUE);
    private volatile boolean spentAny;

    LimitedValueCodec(int maxValueBytes) {
        this.maxValueBytes = maxValueBytes;
    }

    /** Starts a new budget of {@code bytes} for the values of the next reply; the first value always fits. */
    void resetBudget(long bytes) {
        budget.set(bytes);
        spentAny = false;
    }

    @Override
    public byte[] decodeKey(ByteBuffer bytes) {
        return copy(bytes, bytes.remaining());
    }

    @Override
    public Payload decodeValue(ByteBuffer bytes) {
        int length = bytes.remaining();
        if (length > maxValueBytes) {
            return new Payload(copy(bytes, PREFIX_BYTES), length, false);
        }
        if (budget.addAndGet(-length) < 0 && spentAny) {
            return new Payload(null, length, true);
        }
        spentAny = true;
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
