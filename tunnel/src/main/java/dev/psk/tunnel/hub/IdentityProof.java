package dev.psk.tunnel.hub;

import dev.psk.identity.EcP256;
import dev.psk.identity.IdentityException;
import dev.psk.identity.SignatureFormat;
import dev.psk.identity.Signer;
import dev.psk.identity.Verifier;
import java.security.interfaces.ECPublicKey;

/**
 * The optional hardware-identity block of message 1: an ECDSA P-256 signature (IEEE P1363, 64
 * bytes), by the client's token key ({@link dev.psk.identity.pkcs11.TokenSigner}), over the Noise
 * handshake hash h just before the payload is encrypted. h commits to the prologue, both static
 * keys and the ephemeral key, so the signature cannot be replayed into another handshake. It
 * travels encrypted after the timestamp as {@code u16le length || signature}, and the hub checks
 * it against the client's {@code IdentityPin} (SubjectPublicKeyInfo of the token key) with the
 * identity module's strict {@link Verifier}.
 */
public final class IdentityProof {
    public static final SignatureFormat FORMAT = SignatureFormat.P1363;

    private IdentityProof() {}

    /** The signature block for {@code handshakeHash}. */
    static byte[] sign(Signer signer, byte[] handshakeHash) throws IdentityException {
        return signer.sign(handshakeHash, FORMAT);
    }

    /** The pinned key of an {@code IdentityPin}, or an exception naming what is wrong with it. */
    public static ECPublicKey pinnedKey(byte[] spki) throws IdentityException {
        return EcP256.publicKeyFromSpki(spki);
    }

    /** True only when {@code signature} is a valid P1363 signature of {@code handshakeHash} by {@code pinned}. */
    static boolean verify(ECPublicKey pinned, byte[] handshakeHash, byte[] signature) {
        return Verifier.verify(pinned, handshakeHash, signature, FORMAT);
    }
}
