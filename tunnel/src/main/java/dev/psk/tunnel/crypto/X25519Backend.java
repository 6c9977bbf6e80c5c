package dev.psk.tunnel.crypto;

/**
 * One implementation of the X25519 function (RFC 7748 section 5) behind {@link X25519}. Inputs
 * are 32 bytes (checked by the caller); the caller also refuses all-zero outputs, so a backend
 * only has to report the refusals of its own library.
 *
 * <p>Thread-safety: implementations are safe for concurrent use.
 */
interface X25519Backend {
    /** The name {@code -Dpsk.x25519} selects it by. */
    String name();

    /**
     * {@code X25519(k, u)}.
     *
     * @throws LowOrderPointException when the library refuses the result as all zeros
     */
    byte[] scalarMult(byte[] k, byte[] u) throws LowOrderPointException;

    /** {@code X25519(k, 9)}. */
    byte[] publicKey(byte[] k);
}
