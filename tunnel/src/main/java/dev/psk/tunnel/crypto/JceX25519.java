package dev.psk.tunnel.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import javax.crypto.KeyAgreement;

/** {@link X25519Backend} on the JDK's XDH provider: always present, slower than libcrypto. */
final class JceX25519 implements X25519Backend {
    static final JceX25519 INSTANCE = new JceX25519();

    private static final byte[] BASE_POINT = new byte[X25519.KEY_BYTES];

    static {
        BASE_POINT[0] = 9;
    }

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

    private JceX25519() {}

    @Override
    public String name() {
        return "jce";
    }

    @Override
    public byte[] scalarMult(byte[] k, byte[] u) throws LowOrderPointException {
        // XECPrivateKeySpec keeps the array it is given: hand it a copy we can wipe.
        byte[] kCopy = k.clone();
        try {
            KeyFactory kf = FACTORY.get();
            PrivateKey priv = kf.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, kCopy));
            PublicKey pub = kf.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, decodeU(u)));
            KeyAgreement ka = AGREEMENT.get();
            ka.init(priv);
            ka.doPhase(pub, true);
            return ka.generateSecret();
        } catch (GeneralSecurityException | IllegalStateException e) {
            // The JDK refuses an all-zero result itself ("Point has small order").
            throw new LowOrderPointException();
        } finally {
            Arrays.fill(kCopy, (byte) 0);
        }
    }

    @Override
    public byte[] publicKey(byte[] k) {
        try {
            return scalarMult(k, BASE_POINT);
        } catch (LowOrderPointException e) {
            throw new IllegalStateException("X25519 of the base point cannot be zero", e);
        }
    }

    /** RFC 7748 section 5 decodeUCoordinate: little-endian, most significant bit masked. */
    private static BigInteger decodeU(byte[] u) {
        byte[] be = new byte[X25519.KEY_BYTES];
        for (int i = 0; i < X25519.KEY_BYTES; i++) {
            be[i] = u[X25519.KEY_BYTES - 1 - i];
        }
        be[0] &= 0x7f;
        return new BigInteger(1, be);
    }
}
