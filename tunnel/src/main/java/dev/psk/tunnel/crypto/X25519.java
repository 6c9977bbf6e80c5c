package dev.psk.tunnel.crypto;

import dev.psk.common.SecretBytes;
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
 * X25519 (RFC 7748 section 5): the one implementation every part of the tunnel uses (Noise hub
 * handshake, point-to-point session handshake).
 *
 * <p>An all-zero shared secret (the peer sent a low-order point, RFC 7748 section 6.1) is refused
 * with {@link LowOrderPointException}: a zero output would make a derived key independent of the
 * peer's secret. Noise section 12.1 allows either behaviour; WireGuard refuses, and so do we.
 *
 * <p>Thread-safety: safe; each thread keeps its own provider objects.
 */
public final class X25519 {
    public static final int KEY_BYTES = 32;
    private static final byte[] BASE_POINT = new byte[KEY_BYTES];

    static {
        BASE_POINT[0] = 9;
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Provider lookups cost more than a scalar multiplication's bookkeeping: one pair per thread. */
    private static final ThreadLocal<KeyFactory> FACTORY = ThreadLocal.withInitial(() -> {
        try {
            return KeyFactory.getInstance("XDH");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("XDH unavailable", e);
        }
    });

    private static final ThreadLocal<KeyAgreement> AGREEMENT = ThreadLocal.withInitial(() -> {
        try {
            return KeyAgreement.getInstance("XDH");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("XDH unavailable", e);
        }
    });

    private X25519() {}

    /** A fresh private key: 32 random bytes (clamping happens inside every scalar multiplication). */
    public static X25519PrivateKey generatePrivateKey() {
        byte[] k = new byte[KEY_BYTES];
        RANDOM.nextBytes(k);
        return X25519PrivateKey.takeOwnership(k);
    }

    /** The public key {@code X25519(k, 9)}. */
    public static X25519PublicKey publicKey(X25519PrivateKey privateKey) {
        byte[] pub;
        try {
            pub = scalarMult(privateKey.secret().reveal(), BASE_POINT);
        } catch (LowOrderPointException e) {
            throw new IllegalStateException("X25519 of the base point cannot be zero", e);
        }
        return X25519PublicKey.fromBytes(pub);
    }

    /**
     * The shared secret {@code X25519(privateKey, publicKey)}, owned by the caller (close it).
     *
     * @throws LowOrderPointException when the result is all zeros
     */
    public static SecretBytes agree(X25519PrivateKey privateKey, X25519PublicKey publicKey)
            throws LowOrderPointException {
        return SecretBytes.takeOwnership(scalarMult(privateKey.secret().reveal(), publicKey.bytes()));
    }

    /**
     * Raw {@code X25519(k, u)} on 32-byte little-endian strings, for vectors and for callers that
     * hold keys as arrays; prefer the typed methods.
     *
     * @throws IllegalArgumentException on a wrong length
     * @throws LowOrderPointException when the result is all zeros
     */
    public static byte[] scalarMult(byte[] k, byte[] u) throws LowOrderPointException {
        if (k == null || k.length != KEY_BYTES || u == null || u.length != KEY_BYTES) {
            throw new IllegalArgumentException("X25519: keys must be " + KEY_BYTES + " bytes");
        }
        byte[] out;
        byte[] kCopy = k.clone();
        try {
            KeyFactory kf = FACTORY.get();
            PrivateKey priv = kf.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, kCopy));
            PublicKey pub = kf.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, decodeU(u)));
            KeyAgreement ka = AGREEMENT.get();
            ka.init(priv);
            ka.doPhase(pub, true);
            out = ka.generateSecret();
        } catch (GeneralSecurityException | IllegalStateException e) {
            // The JDK refuses an all-zero result itself ("Point has small order"): same outcome.
            throw new LowOrderPointException();
        } finally {
            java.util.Arrays.fill(kCopy, (byte) 0);
        }
        int acc = 0;
        for (byte b : out) {
            acc |= b;
        }
        if (acc == 0) {
            throw new LowOrderPointException();
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
