package dev.psk.common;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Key material that knows it is secret: it never prints, never compares by content through
 * {@link Object#equals}, compares in constant time when asked, and is wiped by {@link #close()}.
 *
 * <p>The bytes are reached through {@link #reveal()} (no copy, for the crypto call that needs them)
 * or {@link #copy()} (a fresh array the caller wipes). The name is the hazard: code that reveals
 * must not keep the array or let it escape into a log, an exception or a file.
 *
 * <p>Thread-safety: not synchronized; a key is built by one thread and published safely (a final
 * field, a volatile swap). Wiping a key that another thread still uses is the caller's error.
 */
public final class SecretBytes implements AutoCloseable {
    private final byte[] bytes;
    private volatile boolean wiped;

    private SecretBytes(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A secret holding a copy of {@code src}; the caller still owns (and wipes) {@code src}. */
    public static SecretBytes copyOf(byte[] src) {
        return new SecretBytes(src.clone());
    }

    /** A secret holding a copy of {@code len} bytes of {@code src} from {@code off}. */
    public static SecretBytes copyOf(byte[] src, int off, int len) {
        return new SecretBytes(Arrays.copyOfRange(src, off, off + len));
    }

    /**
     * A secret that takes ownership of {@code src}: the caller must not use the array afterwards
     * (closing the secret wipes it).
     */
    public static SecretBytes takeOwnership(byte[] src) {
        return new SecretBytes(src);
    }

    public int length() {
        return bytes.length;
    }

    /**
     * The bytes themselves, not a copy: read them, never modify or keep them.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public byte[] reveal() {
        if (wiped) {
            throw new IllegalStateException("secret used after it was wiped");
        }
        return bytes;
    }

    /** A fresh copy the caller owns and must wipe. */
    public byte[] copy() {
        return reveal().clone();
    }

    /** Constant-time comparison of the contents (lengths are not secret). */
    public boolean equalsConstantTime(SecretBytes other) {
        return MessageDigest.isEqual(reveal(), other.reveal());
    }

    /** Constant-time comparison with a plain array. */
    public boolean equalsConstantTime(byte[] other) {
        return MessageDigest.isEqual(reveal(), other);
    }

    public boolean isWiped() {
        return wiped;
    }

    /** Zeroes the bytes; later {@link #reveal()} calls throw. Idempotent. */
    @Override
    public void close() {
        Arrays.fill(bytes, (byte) 0);
        wiped = true;
    }

    /** Never the contents: only the length. */
    @Override
    public String toString() {
        return "SecretBytes[" + bytes.length + " bytes]";
    }
}
