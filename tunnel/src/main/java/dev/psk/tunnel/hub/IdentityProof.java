package dev.psk.tunnel.hub;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;

/**
 * The optional hardware-identity block of message 1: a signature, by the client's token key, over
 * the Noise handshake hash h just before the payload is encrypted (so it binds this exact
 * handshake: both static keys, the ephemeral key, the prologue). It travels encrypted in the
 * payload after the timestamp as {@code u16le length || signature}. The hub checks it against the
 * client's {@code IdentityPin} (a SubjectPublicKeyInfo): ECDSA P-256 with SHA-256 (DER signature)
 * or Ed25519.
 *
 * <p>Seam: the token-backed {@link Signer} belongs to the identity module (PKCS#11 / TPM); this
 * package only defines the interface and a software signer for tests.
 */
public final class IdentityProof {
    private IdentityProof() {}

    /** Signs a handshake hash with a hardware-held key. */
    @FunctionalInterface
    public interface Signer {
        byte[] sign(byte[] handshakeHash) throws GeneralSecurityException;
    }

    /** A signer over a software key: for tests and for keys the identity module exports as JCA keys. */
    public static Signer jca(java.security.PrivateKey key) {
        return h -> {
            Signature s = Signature.getInstance(algorithm(key.getAlgorithm()));
            s.initSign(key);
            s.update(h);
            return s.sign();
        };
    }

    /** True when {@code signature} is a valid signature of {@code handshakeHash} by the pinned key. */
    public static boolean verify(byte[] pinnedSpki, byte[] handshakeHash, byte[] signature) {
        try {
            String alg = pinnedSpki.length < 64 ? "Ed25519" : "EC";
            PublicKey key;
            try {
                key = KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(pinnedSpki));
            } catch (GeneralSecurityException e) {
                key = KeyFactory.getInstance("EC".equals(alg) ? "Ed25519" : "EC").generatePublic(new X509EncodedKeySpec(pinnedSpki));
            }
            Signature s = Signature.getInstance(algorithm(key.getAlgorithm()));
            s.initVerify(key);
            s.update(handshakeHash);
            return s.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static String algorithm(String keyAlgorithm) {
        return switch (keyAlgorithm) {
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new IllegalArgumentException("identity key algorithm " + keyAlgorithm + ": expected EC P-256 or Ed25519");
        };
    }
}
