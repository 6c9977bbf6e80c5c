package dev.psk.tunnel.session;

import dev.psk.tunnel.wire.Psk2Wire;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Derives the ChaCha20-Poly1305 key of one direction of one slot under one session
 * (docs/protocol.md, "Session-bound data keys"):
 *
 * <pre>
 *   prk = HMAC-SHA256(key = session_secret, slot direction material (60 bytes: tag || nonce field || key))
 *   key = HMAC-SHA256(key = prk, "psk-tunnel/v2 data key" || u64be slot || u8 direction || 0x01)
 * </pre>
 *
 * That is HKDF-Extract(salt = session secret, IKM = slot material) followed by a one-block
 * HKDF-Expand (RFC 5869), written over a reused {@link MessageDigest} so that a slot change on the
 * packet path allocates nothing. Neither input alone determines the key: the pad gives the slot
 * material, only a completed handshake gives the session secret.
 *
 * <p>Not thread-safe: each packet thread owns one instance.
 */
public final class DataKeyDeriver {
    /** The expand label (ASCII, no terminator). */
    public static final String LABEL = "psk-tunnel/v2 data key";

    /** Bytes of one direction's material in a slot: auth tag, nonce field, key. */
    public static final int MATERIAL_BYTES = Psk2Wire.SLOT_BYTES / 2;

    private static final int BLOCK = 64;
    private static final int HASH = 32;
    private static final byte[] LABEL_BYTES = LABEL.getBytes(StandardCharsets.US_ASCII);

    private final MessageDigest sha;
    private final byte[] pad = new byte[BLOCK];
    private final byte[] inner = new byte[HASH];
    private final byte[] prk = new byte[HASH];
    private final byte[] info = new byte[LABEL_BYTES.length + 8 + 1 + 1];

    public DataKeyDeriver() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
        System.arraycopy(LABEL_BYTES, 0, info, 0, LABEL_BYTES.length);
    }

    /**
     * Writes the 32-byte data key of {@code slot} and {@code direction} into {@code out[0, 32)}.
     *
     * @param secret the 32-byte session secret
     * @param slotBytes the whole 120-byte slot; the direction's half is used
     * @return false when the digest failed (never expected); {@code out} is then zeroed
     */
    public boolean derive(byte[] secret, byte[] slotBytes, long slot, int direction, byte[] out) {
        try {
            hmac(secret, slotBytes, direction * MATERIAL_BYTES, MATERIAL_BYTES, prk);
            int p = LABEL_BYTES.length;
            for (int i = 7; i >= 0; i--) {
                info[p + 7 - i] = (byte) (slot >>> (8 * i));
            }
            info[p + 8] = (byte) direction;
            info[p + 9] = 1;
            hmac(prk, info, 0, info.length, out);
            return true;
        } catch (DigestException e) {
            java.util.Arrays.fill(out, (byte) 0);
            return false;
        } finally {
            java.util.Arrays.fill(prk, (byte) 0);
            java.util.Arrays.fill(inner, (byte) 0);
            java.util.Arrays.fill(pad, (byte) 0);
        }
    }

    /** HMAC-SHA256 with a key of at most 64 bytes (ours are 32): RFC 2104 without allocation. */
    private void hmac(byte[] key, byte[] msg, int off, int len, byte[] out) throws DigestException {
        for (int i = 0; i < BLOCK; i++) {
            pad[i] = (byte) ((i < key.length ? key[i] : 0) ^ 0x36);
        }
        sha.reset();
        sha.update(pad, 0, BLOCK);
        sha.update(msg, off, len);
        sha.digest(inner, 0, HASH);
        for (int i = 0; i < BLOCK; i++) {
            pad[i] = (byte) ((i < key.length ? key[i] : 0) ^ 0x5c);
        }
        sha.update(pad, 0, BLOCK);
        sha.update(inner, 0, HASH);
        sha.digest(out, 0, HASH);
    }
}
