package dev.psk.tunnel.noise;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SHA-256 hash functions of Noise (revision 34, section 4.3): HASH, HMAC-HASH (RFC 2104) and
 * the two- and three-output HKDF that Noise defines on top of HMAC (RFC 5869 with an empty info and
 * the chaining key as salt).
 */
public final class NoiseHash {
    public static final int HASH_BYTES = 32;
    public static final int BLOCK_BYTES = 64;

    /*
     * One digest and one HMAC engine per thread, reused: looking them up in the provider list on
     * every call cost more than hashing the few dozen bytes a handshake step hashes (a Noise
     * handshake makes about thirty HMAC and a dozen hash calls). Each call resets the engine it
     * uses (digest() and init() do), so nothing carries from one call to the next.
     */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(NoiseHash::newSha256);
    private static final ThreadLocal<Mac> HMAC = ThreadLocal.withInitial(NoiseHash::newHmac);

    private static final SecretKeySpec SCRUB = new SecretKeySpec(new byte[BLOCK_BYTES], "HmacSHA256");

    private NoiseHash() {}

    public static byte[] hash(byte[]... parts) {
        MessageDigest md = SHA256.get();
        for (byte[] p : parts) {
            md.update(p);
        }
        return md.digest();
    }

    public static byte[] hmac(byte[] key, byte[]... parts) {
        try {
            Mac mac = HMAC.get();
            // SecretKeySpec refuses an empty key; HMAC pads short keys with zeros (RFC 2104 section 2),
            // so a block of zeros is the same key.
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[BLOCK_BYTES] : key, "HmacSHA256"));
            for (byte[] p : parts) {
                mac.update(p);
            }
            byte[] out = mac.doFinal();
            // The engine is reused: leave it keyed with zeros, not with this secret.
            mac.init(SCRUB);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /**
     * Noise HKDF(chainingKey, inputKeyMaterial, numOutputs) for 2 or 3 outputs of 32 bytes each.
     * The intermediate key is wiped before returning.
     */
    public static byte[][] hkdf(byte[] chainingKey, byte[] inputKeyMaterial, int outputs) {
        if (outputs != 2 && outputs != 3) {
            throw new IllegalArgumentException("Noise HKDF gives 2 or 3 outputs, not " + outputs);
        }
        byte[] tempKey = hmac(chainingKey, inputKeyMaterial);
        try {
            byte[] o1 = hmac(tempKey, new byte[] {1});
            byte[] o2 = hmac(tempKey, o1, new byte[] {2});
            if (outputs == 2) {
                return new byte[][] {o1, o2};
            }
            byte[] o3 = hmac(tempKey, o2, new byte[] {3});
            return new byte[][] {o1, o2, o3};
        } finally {
            java.util.Arrays.fill(tempKey, (byte) 0);
        }
    }

    private static Mac newHmac() {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
