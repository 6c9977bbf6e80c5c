package dev.psk.tunnel.noise;

import dev.psk.tunnel.crypto.LowOrderPointException;
import dev.psk.tunnel.crypto.X25519;

/**
 * Noise's DH function on raw 32-byte arrays, mapping {@link X25519}'s errors to {@link
 * NoiseException}. A shim kept while the Noise code moves to the typed keys of {@code crypto}.
 *
 * <p>Thread-safety: safe.
 */
public final class Dh25519 {
    public static final int KEY_BYTES = X25519.KEY_BYTES;

    private Dh25519() {}

    /** A fresh private key: 32 random bytes (clamping happens inside every scalar multiplication). */
    public static byte[] generatePrivate() {
        try (var k = X25519.generatePrivateKey()) {
            return k.secret().copy();
        }
    }

    /** The public key {@code X25519(k, 9)} of a private key. */
    public static byte[] publicFromPrivate(byte[] privateKey) throws NoiseException {
        return dh(privateKey, BASE_POINT.clone());
    }

    private static final byte[] BASE_POINT = new byte[KEY_BYTES];

    static {
        BASE_POINT[0] = 9;
    }

    /**
     * {@code X25519(privateKey, publicKey)}.
     *
     * @throws NoiseException LOW_ORDER_POINT when the result is all zeros; MALFORMED on a wrong length
     */
    public static byte[] dh(byte[] privateKey, byte[] publicKey) throws NoiseException {
        if (privateKey == null
                || privateKey.length != KEY_BYTES
                || publicKey == null
                || publicKey.length != KEY_BYTES) {
            throw new NoiseException(NoiseException.Reason.MALFORMED, "X25519: keys must be 32 bytes");
        }
        try {
            return X25519.scalarMult(privateKey, publicKey);
        } catch (LowOrderPointException e) {
            throw new NoiseException(
                    NoiseException.Reason.LOW_ORDER_POINT, "X25519: peer public key has small order", e);
        }
    }
}
