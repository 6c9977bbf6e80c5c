package dev.psk.identity;

import java.security.interfaces.ECPublicKey;

/**
 * Signs with an identity key: ECDSA over NIST P-256 with SHA-256 (the one algorithm TPM 2.0 and
 * the ATECC608A share). Implementations: {@link dev.psk.identity.pkcs11.TokenSigner} (key inside a PKCS#11 token) and
 * {@link InsecureInMemorySigner} (tests only).
 */
public interface Signer extends AutoCloseable {
    /**
     * Signs {@code message} (hashed with SHA-256 here; the key only sees the digest).
     *
     * @throws IdentityException when the token fails or refuses
     */
    byte[] sign(byte[] message, SignatureFormat format) throws IdentityException;

    /** The public half of the signing key. */
    ECPublicKey publicKey();

    /** {@link IdentityId#of} the public key. */
    default IdentityId identityId() {
        return IdentityId.of(publicKey());
    }

    /** Releases the key (for a token: the session, and C_Finalize when it was the last user). */
    @Override
    void close();
}
