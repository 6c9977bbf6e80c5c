package dev.psk.keygen.health;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * SP 800-90B 4.4.2 adaptive proportion test on bytes: in each window of 512 consecutive bytes,
 * fails when the window's first byte occurs {@code cutoff} times or more. Detects a loss of
 * entropy that still changes value (a biased source). State carries across calls.
 *
 * <p>Not thread-safe: one instance per stream.
 */
public final class AdaptiveProportionTest {
    private static final long ONES = 0x0101010101010101L;
    private static final long LOWS = 0x7F7F7F7F7F7F7F7FL;
    private static final long HIGHS = 0x8080808080808080L;
    private static final int W = HealthTestParameters.APT_WINDOW;

    private final int cutoff;
    private int first;
    /** Samples of the current window seen so far (0 = a new window starts with the next byte). */
    private int seen;

    private int count;
    private long offset;

    public AdaptiveProportionTest(int cutoff) {
        if (cutoff < 2 || cutoff > W) {
            throw new IllegalArgumentException("proportion cutoff must be 2.." + W + ", got " + cutoff);
        }
        this.cutoff = cutoff;
    }

    /** Feeds one byte. */
    public void feed(byte b) throws HealthTestFailure {
        int v = b & 0xFF;
        if (seen == 0) {
            first = v;
            count = 1;
        } else if (v == first && ++count >= cutoff) {
            fail();
        }
        offset++;
        if (++seen == W) {
            seen = 0;
        }
    }

    /**
     * Feeds the buffer's bytes from position to limit (position unchanged). Whole windows that
     * start on a window boundary are counted eight bytes at a time; the count is exact, and as it
     * only grows, checking it at the window's end gives the same verdict as after every byte.
     */
    public void feed(ByteBuffer buf) throws HealthTestFailure {
        ByteBuffer b = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int i = b.position();
        int end = b.limit();
        while (i < end) {
            if (seen == 0 && end - i >= W) {
                int a = b.get(i) & 0xFF;
                long pattern = a * ONES;
                int matches = 0;
                for (int k = i; k < i + W; k += Long.BYTES) {
                    long z = b.getLong(k) ^ pattern;
                    long nonZero = ((z & LOWS) + LOWS) | z;
                    matches += Long.BYTES - Long.bitCount(nonZero & HIGHS);
                }
                if (matches >= cutoff) {
                    rescanAndFail(b, i);
                }
                offset += W;
                i += W;
            } else {
                feed(b.get(i++));
            }
        }
    }

    public int cutoff() {
        return cutoff;
    }

    /** Replays a failing window byte by byte so the error names the exact byte. */
    private void rescanAndFail(ByteBuffer b, int start) throws HealthTestFailure {
        for (int k = start; k < start + W; k++) {
            feed(b.get(k));
        }
        throw new IllegalStateException("window counted " + cutoff + "+ matches but the byte-wise replay passed");
    }

    private void fail() throws HealthTestFailure {
        throw new HealthTestFailure(
                HealthTestFailure.Test.ADAPTIVE_PROPORTION,
                offset,
                String.format(
                        "the window's first value occurred %d times in %d bytes (cutoff %d)", count, seen + 1, cutoff));
    }
}
