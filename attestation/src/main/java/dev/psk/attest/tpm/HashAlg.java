package dev.psk.attest.tpm;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;

/** The TPM hash algorithms this toolkit understands (TPM 2.0 Part 2 §6.3, TCG Algorithm Registry). */
public enum HashAlg {
    SHA1(0x0004, 20, "SHA-1"),
    SHA256(0x000b, 32, "SHA-256"),
    SHA384(0x000c, 48, "SHA-384"),
    SHA512(0x000d, 64, "SHA-512");

    private final int id;
    private final int digestBytes;
    private final String jcaName;

    HashAlg(int id, int digestBytes, String jcaName) {
        this.id = id;
        this.digestBytes = digestBytes;
        this.jcaName = jcaName;
    }

    /** The TPM_ALG_ID. */
    public int id() {
        return id;
    }

    public int digestBytes() {
        return digestBytes;
    }

    public String jcaName() {
        return jcaName;
    }

    /** The name tpm2-tools uses: sha1, sha256, sha384, sha512. */
    public String toolName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance(jcaName);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK lacks " + jcaName, e);
        }
    }

    public byte[] hash(byte[] data) {
        return newDigest().digest(data);
    }

    public static Optional<HashAlg> fromId(int id) {
        for (HashAlg h : values()) {
            if (h.id == id) {
                return Optional.of(h);
            }
        }
        return Optional.empty();
    }

    /** Parses tpm2-tools' names (sha1, sha256, sha384, sha512, also "sha-256"), case-insensitive. */
    public static Optional<HashAlg> fromName(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT).replace("-", "");
        for (HashAlg h : values()) {
            if (h.toolName().equals(n)) {
                return Optional.of(h);
            }
        }
        return Optional.empty();
    }
}
