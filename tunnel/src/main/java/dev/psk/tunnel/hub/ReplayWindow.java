package dev.psk.tunnel.hub;

import dev.psk.tunnel.noise.NoiseLimits;

/**
 * Sliding-window replay filter for 64-bit transport counters (RFC 6479's bitmap, as in WireGuard
 * and wireguard-go's {@code replay.Filter}): a counter is accepted once, if it is newer than the
 * highest seen or within {@link NoiseLimits#REPLAY_WINDOW_SIZE} below it, and below
 * {@link NoiseLimits#REJECT_AFTER_MESSAGES}. Counters are unsigned.
 *
 * <p>Check with {@link #mayAccept} before decrypting (cheap), commit with {@link #accept} after the
 * tag verified, so forged packets cannot move the window.
 *
 * <p>Thread-safety: not thread-safe; the session's receive thread owns it.
 */
public final class ReplayWindow {
    private static final int BLOCK_BITS = 64;
    private static final int BLOCKS = NoiseLimits.REPLAY_WINDOW_SIZE / BLOCK_BITS;
    private static final int WINDOW = NoiseLimits.REPLAY_WINDOW_SIZE - BLOCK_BITS;

    private final long[] bitmap = new long[BLOCKS];
    private long last;
    private boolean any;

    /** True when {@code counter} is neither too old, nor seen, nor past the hard limit. */
    public boolean mayAccept(long counter) {
        if (Long.compareUnsigned(counter, NoiseLimits.REJECT_AFTER_MESSAGES) >= 0) {
            return false;
        }
        if (!any || Long.compareUnsigned(counter, last) > 0) {
            return true;
        }
        if (Long.compareUnsigned(last - counter, WINDOW) >= 0) {
            return false;
        }
        int block = (int) ((counter >>> 6) % BLOCKS);
        return (bitmap[block] & (1L << (counter & 63))) == 0;
    }

    /** Records {@code counter}; false (and no change) when {@link #mayAccept} would refuse it. */
    public boolean accept(long counter) {
        if (!mayAccept(counter)) {
            return false;
        }
        long index = counter >>> 6;
        if (!any || Long.compareUnsigned(counter, last) > 0) {
            long current = any ? last >>> 6 : index - 1;
            long diff = Math.min(index - current, BLOCKS);
            for (long i = 1; i <= diff; i++) {
                bitmap[(int) ((current + i) % BLOCKS)] = 0;
            }
            if (!any) {
                bitmap[(int) (index % BLOCKS)] = 0;
            }
            last = counter;
            any = true;
        }
        bitmap[(int) (index % BLOCKS)] |= 1L << (counter & 63);
        return true;
    }
}
