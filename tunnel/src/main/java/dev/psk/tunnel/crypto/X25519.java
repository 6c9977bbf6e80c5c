package dev.psk.tunnel.crypto;

import dev.psk.common.SecretBytes;
import java.security.SecureRandom;
import java.util.Locale;

/**
 * X25519 (RFC 7748 section 5): the one implementation every part of the tunnel uses (Noise hub
 * handshake, point-to-point session handshake).
 *
 * <p>An all-zero shared secret (the peer sent a low-order point, RFC 7748 section 6.1) is refused
 * with {@link LowOrderPointException}: a zero output would make a derived key independent of the
 * peer's secret. Noise section 12.1 allows either behaviour; WireGuard refuses, and so do we.
 *
 * <p>Backend, chosen once at class initialisation: libcrypto's X25519 through FFM when {@link
 * dev.psk.common.ffm.LibCrypto} finds libcrypto 3, the JDK's XDH provider otherwise. {@code
 * -D}{@value #BACKEND_PROPERTY}{@code =openssl|jce} forces one (for tests and benchmarks); forcing
 * an unavailable backend fails class initialisation rather than silently using the other. Both give
 * the same results and refuse the same inputs (tested with every Wycheproof vector).
 *
 * <p>Thread-safety: safe; each backend keeps its working state per thread.
 */
public final class X25519 {
    public static final int KEY_BYTES = 32;

    /** System property selecting the backend: {@code auto} (default), {@code openssl} or {@code jce}. */
    public static final String BACKEND_PROPERTY = "psk.x25519";

    private static final X25519Backend BACKEND = select(System.getProperty(BACKEND_PROPERTY, "auto"));

    private static final SecureRandom RANDOM = new SecureRandom();

    private X25519() {}

    /** The backend in use, {@code openssl} or {@code jce}, for banners and benchmarks. */
    public static String backendName() {
        return BACKEND.name();
    }

    /** A fresh private key: 32 random bytes (clamping happens inside every scalar multiplication). */
    public static X25519PrivateKey generatePrivateKey() {
        byte[] k = new byte[KEY_BYTES];
        RANDOM.nextBytes(k);
        return X25519PrivateKey.takeOwnership(k);
    }

    /** The public key {@code X25519(k, 9)}. */
    public static X25519PublicKey publicKey(X25519PrivateKey privateKey) {
        return X25519PublicKey.fromBytes(publicKey(BACKEND, privateKey.secret().reveal()));
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
        return scalarMult(BACKEND, k, u);
    }

    /** {@link #scalarMult(byte[], byte[])} on a given backend: the checks every backend shares. */
    static byte[] scalarMult(X25519Backend backend, byte[] k, byte[] u) throws LowOrderPointException {
        if (k == null || k.length != KEY_BYTES || u == null || u.length != KEY_BYTES) {
            throw new IllegalArgumentException("X25519: keys must be " + KEY_BYTES + " bytes");
        }
        byte[] out = backend.scalarMult(k, u);
        if (isZero(out)) {
            throw new LowOrderPointException();
        }
        return out;
    }

    /** {@code X25519(k, 9)} on a given backend. */
    static byte[] publicKey(X25519Backend backend, byte[] k) {
        if (k == null || k.length != KEY_BYTES) {
            throw new IllegalArgumentException("X25519: keys must be " + KEY_BYTES + " bytes");
        }
        byte[] out = backend.publicKey(k);
        if (isZero(out)) {
            // Clamping makes k a multiple of 8 below the group order: never zero.
            throw new IllegalStateException("X25519 of the base point cannot be zero");
        }
        return out;
    }

    /** Constant time: the output is secret. */
    private static boolean isZero(byte[] out) {
        int acc = 0;
        for (byte b : out) {
            acc |= b;
        }
        return acc == 0;
    }

    static X25519Backend select(String choice) {
        return switch (choice.strip().toLowerCase(Locale.ROOT)) {
            case "auto" -> OpenSslX25519.unavailableReason().isEmpty() ? OpenSslX25519.INSTANCE : JceX25519.INSTANCE;
            case "openssl" -> {
                OpenSslX25519.unavailableReason().ifPresent(why -> {
                    throw new IllegalStateException(BACKEND_PROPERTY + "=openssl but " + why);
                });
                yield OpenSslX25519.INSTANCE;
            }
            case "jce" -> JceX25519.INSTANCE;
            default ->
                throw new IllegalArgumentException(
                        BACKEND_PROPERTY + " must be auto, openssl or jce, not '" + choice + "'");
        };
    }
}
