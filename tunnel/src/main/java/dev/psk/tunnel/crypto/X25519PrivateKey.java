package dev.psk.tunnel.crypto;

import dev.psk.common.SecretBytes;

/**
 * An X25519 private key (32 bytes, unclamped as stored; clamping happens in each multiplication).
 * A distinct type so that a private key cannot be passed where a public or pre-shared key goes.
 * Never printed; {@link #close()} wipes it.
 */
public final class X25519PrivateKey implements AutoCloseable {
    private final SecretBytes secret;

    private X25519PrivateKey(SecretBytes secret) {
        if (secret.length() != X25519.KEY_BYTES) {
            throw new IllegalArgumentException(
                    "X25519 private key: expected " + X25519.KEY_BYTES + " bytes, got " + secret.length());
        }
        this.secret = secret;
    }

    /** A key holding a copy of {@code raw}; the caller wipes {@code raw}. */
    public static X25519PrivateKey copyOf(byte[] raw) {
        return new X25519PrivateKey(SecretBytes.copyOf(raw));
    }

    /** A key that takes ownership of {@code raw} (wiped when this key is closed). */
    public static X25519PrivateKey takeOwnership(byte[] raw) {
        return new X25519PrivateKey(SecretBytes.takeOwnership(raw));
    }

    public SecretBytes secret() {
        return secret;
    }

    public X25519PublicKey publicKey() {
        return X25519.publicKey(this);
    }

    @Override
    public void close() {
        secret.close();
    }

    @Override
    public String toString() {
        return "X25519PrivateKey[redacted]";
    }
}
