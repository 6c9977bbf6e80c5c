package dev.psk.tunnel.noise;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import javax.crypto.KeyAgreement;

/**
 * X25519 (RFC 7748 section 5) on raw 32-byte little-endian strings, backed by the JDK's XDH
 * provider. An all-zero shared secret (the peer sent a low-order point, RFC 7748 section 6.1)
 * is refused: Noise section 12.1 allows either behaviour, WireGuard refuses, and so do we, because
 * a zero DH output would make the handshake key independent of the peer's secret.
 *
 * <p>Thread-safety: stateless; every call takes its own provider objects.
 */
public final class Dh25519 {
    public static final int KEY_BYTES = 32;
    private static final byte[] BASE_POINT = new byte[KEY_BYTES];

    static {
        BASE_POINT[0] = 9;
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private Dh25519() {}

    /** A fresh private key: 32 random bytes (clamping happens inside every scalar multiplication). */
    public static byte[] generatePrivate() {
        byte[] k = new byte[KEY_BYTES];
        RANDOM.nextBytes(k);
        return k;
    }

    /** The public key {@code X25519(k, 9)} of a private key. */
    public static byte[] publicFromPrivate(byte[] privateKey) throws NoiseException {
        return dh(privateKey, BASE_POINT);
    }

    /**
     * {@code X25519(privateKey, publicKey)}.
     *
     * @throws NoiseException LOW_ORDER_POINT when the result is all zeros; MALFORMED on a wrong length
     */
    public static byte[] dh(byte[] privateKey, byte[] publicKey) throws NoiseException {
        if (privateKey == null || privateKey.length != KEY_BYTES || publicKey == null || publicKey.length != KEY_BYTES) {
            throw new NoiseException(NoiseException.Reason.MALFORMED, "X25519: keys must be 32 bytes");
        }
        byte[] out;
        try {
            KeyFactory kf = KeyFactory.getInstance("XDH");
            PrivateKey priv = kf.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, privateKey.clone()));
            PublicKey pub = kf.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, decodeU(publicKey)));
            KeyAgreement ka = KeyAgreement.getInstance("XDH");
            ka.init(priv);
            ka.doPhase(pub, true);
            out = ka.generateSecret();
        } catch (GeneralSecurityException | IllegalStateException e) {
            // The JDK refuses an all-zero result itself ("Point has small order"): same outcome.
            throw new NoiseException(NoiseException.Reason.LOW_ORDER_POINT, "X25519: peer public key has small order", e);
        }
        int acc = 0;
        for (byte b : out) {
            acc |= b;
        }
        if (acc == 0) {
            throw new NoiseException(NoiseException.Reason.LOW_ORDER_POINT, "X25519: peer public key has small order");
        }
        return out;
    }

    /** RFC 7748 section 5 decodeUCoordinate: little-endian, most significant bit masked. */
    private static BigInteger decodeU(byte[] u) {
        byte[] be = new byte[KEY_BYTES];
        for (int i = 0; i < KEY_BYTES; i++) {
            be[i] = u[KEY_BYTES - 1 - i];
        }
        be[0] &= 0x7f;
        return new BigInteger(1, be);
    }
}
