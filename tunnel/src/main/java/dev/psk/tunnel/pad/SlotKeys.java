package dev.psk.tunnel.pad;

import dev.psk.common.Secrets;
import dev.psk.common.pad.PadLayout;
import dev.psk.tunnel.wire.Psk2Wire;

/**
 * The key material of one direction of one slot: the 16-byte header auth tag, the first 8 bytes
 * of the slot nonce and the 32-byte ChaCha20-Poly1305 key. Direction 0 takes the slot's A->B
 * fields (bytes 0..60), direction 1 the B->A fields (60..120).
 *
 * <p>Immutable until {@link #wipe()}; arrays are exposed to the packet codec for zero-copy use and
 * must not be modified by anyone else. No {@code toString} with content.
 */
public final class SlotKeys {
    private final long slotIndex;
    private final int direction;
    final byte[] authTag = new byte[Psk2Wire.AUTH_TAG_BYTES];
    final byte[] noncePrefix = new byte[Psk2Wire.NONCE_PREFIX_BYTES];
    final byte[] key = new byte[Psk2Wire.KEY_BYTES];

    private SlotKeys(long slotIndex, int direction) {
        this.slotIndex = slotIndex;
        this.direction = direction;
    }

    /** Extracts one direction's fields from a 120-byte slot. */
    public static SlotKeys fromSlot(byte[] slot, int direction, long slotIndex) {
        if (slot.length != Psk2Wire.SLOT_BYTES) {
            throw new IllegalArgumentException("slot must be " + Psk2Wire.SLOT_BYTES + " bytes, not " + slot.length);
        }
        if (direction != 0 && direction != 1) {
            throw new IllegalArgumentException("direction must be 0 or 1, not " + direction);
        }
        SlotKeys k = new SlotKeys(slotIndex, direction);
        int tag = direction == 0 ? PadLayout.A2B_TAG : PadLayout.B2A_TAG;
        int nonce = direction == 0 ? PadLayout.A2B_NONCE : PadLayout.B2A_NONCE;
        int key = direction == 0 ? PadLayout.A2B_KEY : PadLayout.B2A_KEY;
        System.arraycopy(slot, tag, k.authTag, 0, k.authTag.length);
        System.arraycopy(slot, nonce, k.noncePrefix, 0, k.noncePrefix.length);
        System.arraycopy(slot, key, k.key, 0, k.key.length);
        return k;
    }

    public long slotIndex() {
        return slotIndex;
    }

    public int direction() {
        return direction;
    }

    /** The ChaCha20-Poly1305 key (shared array; read only). */
    public byte[] key() {
        return key;
    }

    /** The header auth tag cookie (shared array; read only). */
    public byte[] authTag() {
        return authTag;
    }

    /** The slot's nonce prefix (shared array; read only). */
    public byte[] noncePrefix() {
        return noncePrefix;
    }

    /** Zeroes the material; the instance must not be used afterwards. */
    public void wipe() {
        Secrets.wipe(authTag, noncePrefix, key);
    }

    @Override
    public String toString() {
        return "SlotKeys[slot=" + slotIndex + ", direction=" + direction + "]";
    }
}
