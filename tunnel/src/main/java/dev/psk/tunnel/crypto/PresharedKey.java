package dev.psk.tunnel.crypto;

import dev.psk.common.SecretBytes;

/**
 * A 32-byte symmetric pre-shared key (Noise's {@code psk}, a hub client's key, a pad-derived key).
 * A distinct type so that it cannot be swapped with a Diffie-Hellman key. Never printed;
 * {@link #close()} wipes it.
 */
public final class PresharedKey implements AutoCloseable {
    public static final int KEY_BYTES = 32;
    private final SecretBytes secret;

    private PresharedKey(SecretBytes secret) {
        if (secret.length() != KEY_BYTES) {
            throw new IllegalArgumentException(
                    "pre-shared key: expected " + KEY_BYTES + " bytes, got " + secret.length());
        }
        this.secret = secret;
    }

    /** A key holding a copy of {@code raw}; the caller wipes {@code raw}. */
    public static PresharedKey copyOf(byte[] raw) {
        return new PresharedKey(SecretBytes.copyOf(raw));
    }

    /** A key that takes ownership of {@code raw}. */
    public static PresharedKey takeOwnership(byte[] raw) {
        return new PresharedKey(SecretBytes.takeOwnership(raw));
    }

    public SecretBytes secret() {
        return secret;
    }

    @Override
    public void close() {
        secret.close();
    }

    @Override
    public String toString() {
        return "PresharedKey[redacted]";
    }
}
