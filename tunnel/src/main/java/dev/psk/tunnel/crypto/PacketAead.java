package dev.psk.tunnel.crypto;

import java.nio.ByteBuffer;

/**
 * ChaCha20-Poly1305 (RFC 8439 section 2.8) applied in place to one packet held in a caller's
 * buffer: the additional data, the payload and the 16-byte tag live side by side, so sealing and
 * opening move no bytes.
 *
 * <p>Contract: an instance is owned by one thread (each packet worker creates its own); it is not
 * thread-safe. Neither method throws on bad input from the network: {@link #open} reports a
 * forged or corrupted packet by returning {@code false}. Offsets are absolute buffer indices; the
 * buffer's position and limit are ignored and left unchanged. The caller must never seal twice
 * with one (key, nonce): the PSK2 sequence reservation guarantees it (docs/protocol.md).
 */
public interface PacketAead extends AutoCloseable {
    int KEY_BYTES = 32;
    int NONCE_BYTES = 12;
    int TAG_BYTES = 16;
    /** The largest packet an instance is handed: a whole UDP datagram (65,536 bytes). */
    int MAX_PACKET_BYTES = 65536;

    /**
     * Encrypts {@code buf[dataOff, dataOff+dataLen)} in place and writes the tag at
     * {@code dataOff+dataLen}, authenticating {@code buf[aadOff, aadOff+aadLen)} as well.
     */
    void seal(byte[] key, byte[] nonce, ByteBuffer buf, int aadOff, int aadLen, int dataOff, int dataLen);

    /**
     * Verifies the tag at {@code dataOff+ctLen} over the additional data and the ciphertext, then
     * decrypts {@code buf[dataOff, dataOff+ctLen)} in place.
     *
     * @return true when authentic; false when not, and then the bytes at {@code dataOff} are
     *     unspecified and must not be used
     */
    boolean open(byte[] key, byte[] nonce, ByteBuffer buf, int aadOff, int aadLen, int dataOff, int ctLen);

    /** "openssl" or "jce": which implementation runs, for the startup banner and benchmarks. */
    String name();

    /** Wipes key material held by the instance and releases native memory. Idempotent. */
    @Override
    void close();
}
