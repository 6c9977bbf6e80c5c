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
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    /** Byte 7 of {@code x ^ (x >>> 8)} compares byte 7 with nothing: force it non-zero. */
    private static final long TOP_BYTE = 0xFF00000000000000L;

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
     * Feeds the buffer's bytes from position to limit (position unchanged). Eight bytes at a time:
     * when no two neighbours in a word are equal, the run restarts at the word's last byte.
     */
    public void feed(ByteBuffer buf) throws HealthTestFailure {
        ByteBuffer b = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int i = b.position();
        int end = b.limit();
        while (i + Long.BYTES <= end) {
            long x = b.getLong(i);
            long pairs = (x ^ (x >>> 8)) | TOP_BYTE;
            boolean neighbourEqual = ((pairs - ONES) & ~pairs & HIGHS) != 0;
            int first = (int) x & 0xFF;
            if (neighbourEqual || first == previous) {
                for (int k = 0; k < Long.BYTES; k++) {
                    feed(b.get(i + k));
                }
            } else {
                previous = (int) (x >>> 56) & 0xFF;
                run = 1;
                offset += Long.BYTES;
            }
            i += Long.BYTES;
        }
        for (; i < end; i++) {
            feed(b.get(i));
        }
    }

    public int cutoff() {
        return cutoff;
    }

    private void fail(int value) throws HealthTestFailure {
        throw new HealthTestFailure(HealthTestFailure.Test.REPETITION_COUNT, offset,
                String.format("the value 0x%02x repeated %d times in a row (cutoff %d)", value, run, cutoff));
    }
}
