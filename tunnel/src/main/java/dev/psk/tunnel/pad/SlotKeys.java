package dev.psk.tunnel.pad;

import dev.psk.common.pad.PadLayout;

/**
 * The key material of one direction of one slot: the 16-byte header auth tag, the first 8 bytes
 * of the slot nonce and the 32-byte ChaCha20-Poly1305 key. Direction 0 takes the slot's A->B
 * fields (bytes 0..60), direction 1 the B->A fields (60..120).
 *
 * <p>Mutable so that a packet thread reuses one instance per cache entry: {@link #load} overwrites
 * it in place, so neither slot rotation nor a forged sequence that forces a reload allocates.
 * Owned by one thread. The arrays are exposed to the packet codec for zero-copy use and must not
 * be modified by anyone else. No {@code toString} with content.
 */
public final class SlotKeys {
    private long slotIndex = -1;
    private int direction;
    /** The session whose derived key {@link #key} holds, or null for the pad's own key (handshake off). */
    private Object keyOwner;

    private final byte[] authTag = new byte[PadLayout.TAG_BYTES];
    private final byte[] noncePrefix = new byte[SlotSchedule.NONCE_PREFIX_BYTES];
    private final byte[] key = new byte[PadLayout.KEY_BYTES];

    /** An empty instance (slot index -1) to {@link #load} into. */
    public SlotKeys() {}

    /** One direction's fields of a 120-byte slot, in a new instance. */
    public static SlotKeys fromSlot(byte[] slot, int direction, long slotIndex) {
        SlotKeys k = new SlotKeys();
        k.load(slot, direction, slotIndex);
        return k;
    }

    /** Overwrites this instance with one direction's fields of a 120-byte slot. */
    public void load(byte[] slot, int direction, long slotIndex) {
        if (slot.length != PadLayout.SLOT_BYTES) {
            throw new IllegalArgumentException("slot must be " + PadLayout.SLOT_BYTES + " bytes, not " + slot.length);
        }
        if (direction != 0 && direction != 1) {
            throw new IllegalArgumentException("direction must be 0 or 1, not " + direction);
        }
        System.arraycopy(slot, direction == 0 ? PadLayout.A2B_TAG : PadLayout.B2A_TAG, authTag, 0, authTag.length);
        System.arraycopy(
                slot, direction == 0 ? PadLayout.A2B_NONCE : PadLayout.B2A_NONCE, noncePrefix, 0, noncePrefix.length);
        System.arraycopy(slot, direction == 0 ? PadLayout.A2B_KEY : PadLayout.B2A_KEY, key, 0, key.length);
        this.direction = direction;
        this.slotIndex = slotIndex;
        this.keyOwner = null;
    }

    /**
     * The array the session-bound key is derived into, in place of the pad's key, by the owning
     * packet thread right after {@link #load}; then {@link #boundTo} names the session.
     */
    public byte[] keyForDerivation() {
        return key;
    }

    /** Records that {@link #key} now holds a key derived for {@code owner} (a session). */
    public void boundTo(Object owner) {
        this.keyOwner = owner;
    }

    /** The session the key was derived for; null when it is the pad's own key. */
    public Object keyOwner() {
        return keyOwner;
    }

    /** The slot these fields came from, or -1 when empty. */
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

    /** Zeroes the material; the instance is empty (slot index -1) until the next {@link #load}. */
    public void wipe() {
        java.util.Arrays.fill(authTag, (byte) 0);
        java.util.Arrays.fill(noncePrefix, (byte) 0);
        java.util.Arrays.fill(key, (byte) 0);
        slotIndex = -1;
        keyOwner = null;
    }

    @Override
    public String toString() {
        return "SlotKeys[slot=" + slotIndex + ", direction=" + direction + "]";
    }
}
