package dev.psk.tunnel.crypto;

import java.util.Arrays;
import java.util.Base64;

/**
 * An X25519 public key (32 bytes, little-endian u-coordinate). Not secret: equal by content,
 * printable as base64 (WireGuard's format). A distinct type so that it cannot be swapped with a
 * private or pre-shared key.
 */
public final class X25519PublicKey {
    private final byte[] bytes;

    private X25519PublicKey(byte[] bytes) {
        this.bytes = bytes;
    }

    /** @throws IllegalArgumentException unless {@code raw} is 32 bytes */
    public static X25519PublicKey fromBytes(byte[] raw) {
        if (raw == null || raw.length != X25519.KEY_BYTES) {
            throw new IllegalArgumentException("X25519 public key: expected " + X25519.KEY_BYTES + " bytes, got "
                    + (raw == null ? "none" : raw.length));
        }
        return new X25519PublicKey(raw.clone());
    }

    /** A copy of the 32 bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    public String base64() {
        return Base64.getEncoder().encodeToString(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof X25519PublicKey other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "X25519PublicKey[" + base64() + "]";
    }
}
