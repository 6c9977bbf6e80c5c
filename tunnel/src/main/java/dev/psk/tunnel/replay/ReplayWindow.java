package dev.psk.tunnel.replay;

import java.util.Arrays;

/**
 * Sliding-window anti-replay for unsigned 64-bit sequence numbers, with the ring-of-blocks bitmap
 * of RFC 6479 (section 2): advancing the window clears whole 64-bit blocks instead of shifting bits,
 * so each operation is O(1) amortised and the window can be large.
 *
 * <p>Semantics: with {@code W = windowSize()} and {@code H} the highest sequence committed so far,
 * a sequence is acceptable when nothing was committed yet, when it is above {@code H}, or when
 * {@code H - seq < W} and it was not committed before. The receive path calls {@link #check}
 * before AEAD verification and {@link #commit} only after it, so forged packets never move the
 * window (RFC 6479 section 3).
 *
 * <p>Not thread-safe: owned by one receive thread.
 */
public final class ReplayWindow {
    private static final int BLOCK_BITS = 64;

    private final int windowSize;
    private final long[] ring;
    private final int blockMask;
    private long highest;
    private boolean empty = true;

    /** @param windowSize W, from 1 to 2^20 sequences */
    public ReplayWindow(int windowSize) {
        if (windowSize < 1 || windowSize > (1 << 20)) {
            throw new IllegalArgumentException("replay window must be 1..1048576 packets, not " + windowSize);
        }
        this.windowSize = windowSize;
        // Enough blocks that the W newest sequences never share a block with a cleared one: one more
        // than the blocks W spans, rounded up to a power of two so that indexing is a mask.
        int blocks = Integer.highestOneBit(((windowSize + BLOCK_BITS - 1) / BLOCK_BITS + 1) * 2 - 1);
        this.ring = new long[blocks];
        this.blockMask = blocks - 1;
    }

    public int windowSize() {
        return windowSize;
    }

    /** Whether {@code seq} would be accepted now; changes nothing. */
    public boolean check(long seq) {
        if (empty || Long.compareUnsigned(seq, highest) > 0) {
            return true;
        }
        long age = highest - seq;
        if (Long.compareUnsigned(age, windowSize) >= 0) {
            return false;
        }
        return (ring[(int) (seq >>> 6) & blockMask] & (1L << seq)) == 0;
    }

    /**
     * Records {@code seq} as accepted, sliding the window forward when it is the new highest.
     * Precondition: {@link #check(long)} returned true for it since the last commit.
     */
    public void commit(long seq) {
        if (empty) {
            Arrays.fill(ring, 0L);
            highest = seq;
            empty = false;
        } else if (Long.compareUnsigned(seq, highest) > 0) {
            long oldBlock = highest >>> 6;
            long newBlock = seq >>> 6;
            long advance = newBlock - oldBlock;
            if (Long.compareUnsigned(advance, ring.length) >= 0) {
                Arrays.fill(ring, 0L);
            } else {
                for (long b = oldBlock + 1; b != newBlock + 1; b++) {
                    ring[(int) b & blockMask] = 0L;
                }
            }
            highest = seq;
        }
        ring[(int) (seq >>> 6) & blockMask] |= 1L << seq;
    }

    /** {@link #check} then {@link #commit} when acceptable. */
    public boolean checkAndCommit(long seq) {
        if (!check(seq)) {
            return false;
        }
        commit(seq);
        return true;
    }

    /** Whether any sequence was committed. */
    public boolean isEmpty() {
        return empty;
    }

    /** The highest committed sequence; meaningless while {@link #isEmpty()}. */
    public long highest() {
        return highest;
    }

    /**
     * The lowest sequence the window could still accept (0 while empty): every sequence below it is
     * rejected for good, which is what erasure of consumed slots relies on.
     */
    public long lowestAcceptable() {
        if (empty) {
            return 0;
        }
        return Long.compareUnsigned(highest, windowSize - 1L) < 0 ? 0 : highest - (windowSize - 1L);
    }
}
