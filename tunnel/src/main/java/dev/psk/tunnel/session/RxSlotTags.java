package dev.psk.tunnel.session;

import dev.psk.common.Secrets;
import dev.psk.common.pad.PadLayout;
import dev.psk.tunnel.pad.PadFile;
import dev.psk.tunnel.wire.Psk2Wire;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.LongSupplier;

/**
 * The receive direction's header auth tags of the next {@link #SLOTS} slots, read ahead from the
 * pad, so that a datagram's tag is compared before any pad read: a forged datagram (any source,
 * any sequence) costs no I/O. The table moves only when an authentic packet moves the replay
 * window ({@link #advance}), so only the peer can cause reads.
 *
 * <p>A sequence beyond the table ("far ahead") is dropped without I/O while the peer is being
 * heard. When nothing authentic has arrived for {@link #QUIET_NANOS}, one far-ahead slot per
 * {@link #PROBE_INTERVAL_NANOS} may be read and compared: a peer that sent far more than the table
 * holds while this end was down is still heard, and a forger gains at most one read per second.
 *
 * <p>Tags are public on the wire once used, so a match is a cheap filter, not authentication: the
 * caller still checks the replay window and the AEAD. Owned by the receiving thread; allocates
 * nothing after construction.
 */
final class RxSlotTags {
    /** Slots covered ahead of the replay window; more than a restart signal's jump (2^20 + 2^18). */
    static final int SLOTS = 2048;

    static final long QUIET_NANOS = 2_000_000_000L;
    static final long PROBE_INTERVAL_NANOS = 1_000_000_000L;

    /** {@link #match} results. */
    static final int MATCH = 0;

    static final int NO_MATCH = 1;
    static final int FAR_AHEAD = 2;

    private static final int TAG = Psk2Wire.AUTH_TAG_BYTES;

    private final PadFile pad;
    private final int tagOffset;
    private final long dataSlots;
    private final LongSupplier nanoClock;
    private final byte[] tags = new byte[SLOTS * TAG];
    /** Per entry: the slot it holds, or -1 when erased, unread or unreadable. */
    private final long[] held = new long[SLOTS];

    private final byte[] slotBytes = new byte[Psk2Wire.SLOT_BYTES];
    private final ByteBuffer slotBuffer = ByteBuffer.allocateDirect(Psk2Wire.SLOT_BYTES);
    private long base = -1;
    private long lastAuthentic;
    private long lastProbe;
    private boolean heard;
    private boolean probed;

    RxSlotTags(PadFile pad, int rxDirection, long firstSlot, LongSupplier nanoClock) {
        this.pad = pad;
        this.tagOffset = rxDirection == 0 ? PadLayout.A2B_TAG : PadLayout.B2A_TAG;
        this.dataSlots = pad.dataSlotCount();
        this.nanoClock = nanoClock;
        java.util.Arrays.fill(held, -1);
        moveTo(firstSlot);
    }

    /** The first slot covered: every earlier slot lies below the replay window. */
    long base() {
        return base;
    }

    /**
     * Compares the auth tag of the datagram in {@code buf} with {@code slot}'s, in constant time.
     * The caller has checked that {@code base() <= slot < dataSlots}.
     */
    int match(ByteBuffer buf, long slot) {
        if (slot - base < SLOTS) {
            int i = (int) (slot & (SLOTS - 1));
            boolean same = Secrets.equal(buf, Psk2Wire.AUTH_TAG_OFFSET, tags, i * TAG, TAG);
            return same && held[i] == slot ? MATCH : NO_MATCH;
        }
        long now = nanoClock.getAsLong();
        if ((heard && now - lastAuthentic < QUIET_NANOS) || (probed && now - lastProbe < PROBE_INTERVAL_NANOS)) {
            return FAR_AHEAD;
        }
        probed = true;
        lastProbe = now;
        boolean same = read(slot) && Secrets.equal(buf, Psk2Wire.AUTH_TAG_OFFSET, slotBytes, tagOffset, TAG);
        wipeScratch();
        return same ? MATCH : NO_MATCH;
    }

    /** An authentic packet arrived and the lowest acceptable sequence now lies in {@code firstSlot}. */
    void advance(long firstSlot) {
        heard = true;
        lastAuthentic = nanoClock.getAsLong();
        if (firstSlot > base) {
            moveTo(firstSlot);
        }
    }

    /** Covers {@code [first, first + SLOTS)}, reading only the slots not yet held. */
    private void moveTo(long first) {
        long end = Math.min(first + SLOTS, dataSlots);
        long from = Math.max(first, base < 0 ? first : base + SLOTS);
        for (long s = from; s < end; s++) {
            int i = (int) (s & (SLOTS - 1));
            if (read(s) && !allZero(slotBytes)) {
                System.arraycopy(slotBytes, tagOffset, tags, i * TAG, TAG);
                held[i] = s;
            } else {
                java.util.Arrays.fill(tags, i * TAG, i * TAG + TAG, (byte) 0);
                held[i] = -1;
            }
        }
        wipeScratch();
        base = first;
    }

    private boolean read(long slot) {
        try {
            pad.readSlot(slot, slotBuffer);
            slotBuffer.get(0, slotBytes);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean allZero(byte[] b) {
        int acc = 0;
        for (byte x : b) {
            acc |= x;
        }
        return acc == 0;
    }

    private void wipeScratch() {
        java.util.Arrays.fill(slotBytes, (byte) 0); // not Secrets.wipe: its varargs array allocates
        for (int i = 0; i < Psk2Wire.SLOT_BYTES; i++) {
            slotBuffer.put(i, (byte) 0);
        }
    }

    /** Zeroes the table. */
    void wipe() {
        Secrets.wipe(tags);
        java.util.Arrays.fill(held, -1);
    }
}
