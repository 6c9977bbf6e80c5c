package dev.psk.common.pad;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The pad's byte layout, shared by psk-keygen and psk-tunnel (docs/protocol.md section 1).
 *
 * <p>A pad is a whole number of 120-byte slots from offset 0, byte-compatible with the seed design.
 * The <em>last</em> slot is the control slot: never used for data and never erased, so material
 * derived from it (the pad fingerprint, the handshake's hello key) stays computable after consumed
 * slots at the front have been destroyed. Data slots are {@code 0 .. slots-2}.
 */
public final class PadLayout {
    // Specification constants (seed design, testdata/vectors/psk2-packets.json).
    public static final int SLOT_BYTES = 120;
    public static final int PACKETS_PER_SLOT = 1000;
    public static final int TAG_BYTES = 16;
    public static final int NONCE_BYTES = 12;
    public static final int KEY_BYTES = 32;
    /** Offsets inside a slot: A->B (initiator to responder) first, then B->A. */
    public static final int A2B_TAG = 0, A2B_NONCE = 16, A2B_KEY = 28;

    public static final int B2A_TAG = 60, B2A_NONCE = 76, B2A_KEY = 88;

    // Implementation constants (ours).
    public static final int FINGERPRINT_BYTES = 16;
    /** HMAC message for the fingerprint; versioned so a later scheme cannot collide with it. */
    public static final String FINGERPRINT_CONTEXT = "psk-tunnel/v1 pad fingerprint";

    private PadLayout() {}

    /** Whole slots in a pad of {@code sizeBytes} (the seed's formula: floor(size / 120)). */
    public static long slotCount(long sizeBytes) {
        return sizeBytes / SLOT_BYTES;
    }

    /** Slots usable for data: all but the control slot (0 when the pad is too small). */
    public static long dataSlotCount(long sizeBytes) {
        return Math.max(0, slotCount(sizeBytes) - 1);
    }

    /** Index of the control slot, or -1 when the pad has no slot. */
    public static long controlSlotIndex(long sizeBytes) {
        return slotCount(sizeBytes) - 1;
    }

    /** Packets per direction the seed's formula gives: slots x 1000. */
    public static long packetsPerDirection(long slots) {
        return Math.multiplyExact(slots, (long) PACKETS_PER_SLOT);
    }

    /**
     * The pad fingerprint: the first 16 bytes of HMAC-SHA256(key = control slot, "psk-tunnel/v1 pad
     * fingerprint"). Not secret; two ends with the same pad compute the same value, which does not
     * reveal key material.
     */
    public static byte[] fingerprint(byte[] controlSlot) {
        if (controlSlot.length != SLOT_BYTES) {
            throw new IllegalArgumentException(
                    "control slot must be " + SLOT_BYTES + " bytes, not " + controlSlot.length);
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(controlSlot, "HmacSHA256"));
            byte[] full = mac.doFinal(FINGERPRINT_CONTEXT.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] out = Arrays.copyOf(full, FINGERPRINT_BYTES);
            Arrays.fill(full, (byte) 0);
            return out;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
