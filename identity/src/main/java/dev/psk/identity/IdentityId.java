package dev.psk.identity;

import dev.psk.common.Hex;
import dev.psk.common.Secrets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Arrays;

/**
 * A device identity id: the first 8 bytes of SHA-256 over the public key's SubjectPublicKeyInfo
 * DER (the seed's "identity_id = first_8_bytes(SHA-256(pubkey))", with the key encoding pinned to
 * SPKI DER so that every tool computes the same value), shown as 16 lower-case hex digits.
 *
 * <p>An identifier, not a secret; {@link #equals} is constant-time anyway so lookups do not leak
 * which pinned id a probe was close to.
 */
public final class IdentityId {
    public static final int BYTES = 8;
    public static final int HEX_DIGITS = 2 * BYTES;

    private final byte[] bytes;

    private IdentityId(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The id of a public key, from its {@code getEncoded()} SubjectPublicKeyInfo DER. */
    public static IdentityId of(PublicKey key) {
        byte[] spki = key.getEncoded();
        if (spki == null || !"X.509".equals(key.getFormat())) {
            throw new IllegalArgumentException("public key has no SubjectPublicKeyInfo encoding");
        }
        return ofSpki(spki);
    }

    /** The id of a SubjectPublicKeyInfo DER encoding. */
    public static IdentityId ofSpki(byte[] spkiDer) {
        try {
            return new IdentityId(
                    Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(spkiDer), BYTES));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** Exactly 8 bytes, e.g. from a handshake message. */
    public static IdentityId ofBytes(byte[] id) {
        if (id.length != BYTES) {
            throw new IllegalArgumentException("identity_id: expected " + BYTES + " bytes, got " + id.length);
        }
        return new IdentityId(id.clone());
    }

    /**
     * Parses 16 hex digits (either case).
     *
     * @throws IdentityException naming what was wrong
     */
    public static IdentityId parse(String hex) throws IdentityException {
        String s = hex.strip();
        if (s.length() != HEX_DIGITS) {
            throw new IdentityException("identity_id \"" + s + "\": expected " + HEX_DIGITS + " hex digits, got "
                    + s.length() + " characters");
        }
        try {
            return new IdentityId(Hex.decode(s, "identity_id"));
        } catch (IllegalArgumentException e) {
            throw new IdentityException(e.getMessage());
        }
    }

    /** A fresh copy of the 8 bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Constant-time comparison with raw bytes (false for a wrong length). */
    public boolean matches(byte[] other) {
        return other != null && other.length == BYTES && Secrets.equal(bytes, other);
    }

    /** 16 lower-case hex digits. */
    public String hex() {
        return Hex.encode(bytes);
    }

    @Override
    public String toString() {
        return hex();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IdentityId other && Secrets.equal(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }
}
