package dev.psk.tunnel.pad;

import dev.psk.common.pad.PadLayout;

/**
 * The seed's deterministic schedule: sequence {@code s} of either direction is sealed with slot
 * {@code s / 1000} and nonce {@code prefix[0:8] || u32be(s mod 2^32)}. Within a slot the 1000
 * sequences differ in their low 32 bits, so a (key, nonce) pair repeats only if a sequence does.
 * Sequences are unsigned 64-bit values.
 */
public final class SlotSchedule {
    /** Bytes of a slot's 12-byte nonce field that enter the nonce; the sequence fills the rest. */
    public static final int NONCE_PREFIX_BYTES = 8;

    private SlotSchedule() {}

    /** The slot index of {@code seq} (unsigned division). */
    public static long slotOf(long seq) {
        return Long.divideUnsigned(seq, PadLayout.PACKETS_PER_SLOT);
    }

    /** The first sequence of {@code slot}; the caller ensures it fits in 64 bits unsigned. */
    public static long firstSeq(long slot) {
        return slot * PadLayout.PACKETS_PER_SLOT;
    }

    /** Byte offset of {@code slot} in the pad. */
    public static long padOffset(long slot) {
        return Math.multiplyExact(slot, (long) PadLayout.SLOT_BYTES);
    }

    /** Writes the 12-byte nonce of {@code seq} into {@code out} (no allocation). */
    public static void nonce(byte[] noncePrefix, long seq, byte[] out) {
        System.arraycopy(noncePrefix, 0, out, 0, NONCE_PREFIX_BYTES);
        int low = (int) seq;
        out[8] = (byte) (low >>> 24);
        out[9] = (byte) (low >>> 16);
        out[10] = (byte) (low >>> 8);
        out[11] = (byte) low;
    }

    /** Sequences available per direction in {@code dataSlots} slots (saturating at 2^63-1). */
    public static long packetsPerDirection(long dataSlots) {
        return dataSlots > Long.MAX_VALUE / PadLayout.PACKETS_PER_SLOT
                ? Long.MAX_VALUE
                : dataSlots * PadLayout.PACKETS_PER_SLOT;
    }
}
