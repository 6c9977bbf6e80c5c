package dev.psk.tunnel.state;

import java.time.Duration;

/**
 * The hot-path side of one direction's reservation: answers "may this sequence be used (TX) or
 * accepted (RX)?" from a volatile read in the common case, asks the {@link StateKeeper} for the
 * next block when half of the current one is used, and blocks only when the durable bound has not
 * kept up.
 *
 * <p>The block size adapts to the packet rate between {@link #MIN_STEP} and {@link #MAX_STEP}:
 * doubled when the previous request is under a second old, halved when it is over ten seconds old.
 * That bounds what a crash costs: a restarted sender skips at most one block of sequences (pad
 * material), and a restarted receiver drops the peer's packets below its floor, at most one block
 * (about one second of traffic at the current rate, or MIN_STEP packets when idle).
 *
 * <p>Owned by one packet thread; not thread-safe.
 */
public final class SequenceReservation {
    public static final long MIN_STEP = 64;
    public static final long MAX_STEP = 1L << 16;
    static final Duration WAIT_LIMIT = Duration.ofSeconds(2);
    private static final long GROW_BELOW_NANOS = Duration.ofSeconds(1).toNanos();
    private static final long SHRINK_ABOVE_NANOS = Duration.ofSeconds(10).toNanos();

    private final StateKeeper keeper;
    private final boolean tx;
    private long requested;
    private long step = MIN_STEP;
    private long lastRequestNanos = System.nanoTime() - SHRINK_ABOVE_NANOS;

    public SequenceReservation(StateKeeper keeper, boolean tx) {
        this.keeper = keeper;
        this.tx = tx;
        this.requested = tx ? keeper.txDurable() : keeper.rxDurable();
    }

    /** Requests a first block so the first packet rarely waits. */
    public void prefetch(long seq) {
        ask(seq);
    }

    /**
     * True when {@code seq} is below the durable bound, after waiting for it if needed.
     * Sequences are below 2^63 here (pads are far smaller), so signed comparison is exact.
     */
    public boolean cover(long seq) {
        long durable = tx ? keeper.txDurable() : keeper.rxDurable();
        if (seq < durable - step / 2) {
            return true;
        }
        if (seq + step / 2 >= requested) {
            ask(seq);
        }
        if (seq < durable) {
            return true;
        }
        return keeper.await(tx, seq, WAIT_LIMIT);
    }

    private void ask(long seq) {
        long now = System.nanoTime();
        long since = now - lastRequestNanos;
        if (since < GROW_BELOW_NANOS) {
            step = Math.min(step * 2, MAX_STEP);
        } else if (since > SHRINK_ABOVE_NANOS) {
            step = Math.max(step / 2, MIN_STEP);
        }
        lastRequestNanos = now;
        requested = Math.max(requested, seq + step);
        keeper.request(tx, requested);
    }

    public long step() {
        return step;
    }
}
