package dev.psk.keygen.health;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * SP 800-90B 4.4.1 repetition count test on bytes: fails when one value repeats {@code cutoff}
 * times in a row. Detects a stuck source. State carries across calls, so a stream may arrive in
 * buffers of any size.
 *
 * <p>Not thread-safe: one instance per stream.
 */
public final class RepetitionCountTest {
    private static final long LOWS = 0x7F7F7F7F7F7F7F7FL;
    private static final long HIGHS = 0x8080808080808080L;
    private static final int BLOCK_BYTES = 512;
    private static final int BLOCK_WORDS = BLOCK_BYTES / Long.BYTES;

    private final int cutoff;
    private int previous = -1;
    private int run;
    private long offset;

    public RepetitionCountTest(int cutoff) {
        if (cutoff < 2) {
            throw new IllegalArgumentException("repetition cutoff must be at least 2, got " + cutoff);
        }
        this.cutoff = cutoff;
    }

    /** Feeds one byte. */
    public void feed(byte b) throws HealthTestFailure {
        int v = b & 0xFF;
        if (v == previous) {
            if (++run >= cutoff) {
                fail(v);
            }
        } else {
            previous = v;
            run = 1;
        }
        offset++;
    }

    /**
     * Feeds the buffer's bytes from position to limit (position unchanged).
     *
     * <p>Fast path, exact for cutoffs of 3 or more: a 512-byte block whose first byte differs from
     * the previous byte and that holds no three equal bytes in a row cannot reach the cutoff, and
     * leaves a run of 1 or 2 at its end. Whether a block holds such a triple is found eight bytes at
     * a time without branches; a block that might is fed byte by byte.
     */
    public void feed(ByteBuffer buf) throws HealthTestFailure {
        ByteBuffer b = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int i = b.position();
        int end = b.limit();
        if (cutoff >= 3) {
            while (end - i >= BLOCK_BYTES) {
                int first = b.get(i) & 0xFF;
                if (first != previous && noTriple(b, i)) {
                    int last = b.get(i + BLOCK_BYTES - 1) & 0xFF;
                    run = (b.get(i + BLOCK_BYTES - 2) & 0xFF) == last ? 2 : 1;
                    previous = last;
                    offset += BLOCK_BYTES;
                } else {
                    for (int k = i; k < i + BLOCK_BYTES; k++) {
                        feed(b.get(k));
                    }
                }
                i += BLOCK_BYTES;
            }
        }
        for (; i < end; i++) {
            feed(b.get(i));
        }
    }

    /**
     * False when the block at {@code i} may hold three equal bytes in a row (it may also answer
     * false without one, when the byte after the block is taken as 0; that only costs speed). For
     * each word, bit 8j+7 of {@code eq} says byte j equals byte j+1 (j = 7 compares with the next
     * word's first byte); a triple is two such neighbours in a row, within a word or across two.
     */
    private static boolean noTriple(ByteBuffer b, int i) {
        long found = 0;
        long carry = 0;
        long x = b.getLong(i);
        int last = i + BLOCK_BYTES - Long.BYTES;
        for (int k = i; k < last; k += Long.BYTES) {
            long next = b.getLong(k + Long.BYTES);
            long y = x ^ ((x >>> 8) | (next << 56));
            long eq = ~(((y & LOWS) + LOWS) | y) & HIGHS;
            found |= (eq & (eq >>> 8)) | (carry & eq);
            carry = eq >>> 56;
            x = next;
        }
        long y = x ^ (x >>> 8);
        long eq = ~(((y & LOWS) + LOWS) | y) & HIGHS;
        found |= (eq & (eq >>> 8)) | (carry & eq);
        return found == 0;
    }

    public int cutoff() {
        return cutoff;
    }

    private void fail(int value) throws HealthTestFailure {
        throw new HealthTestFailure(
                HealthTestFailure.Test.REPETITION_COUNT,
                offset,
                String.format("the value 0x%02x repeated %d times in a row (cutoff %d)", value, run, cutoff));
    }
}
