package dev.psk.identity;

import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.util.Optional;

/**
 * Verifies ECDSA P-256 / SHA-256 signatures, either with a given public key or against the
 * enabled peers of a {@link PinnedPeers} file. A malformed or wrong signature is simply "no":
 * these methods never throw for bad input from the network.
 *
 * <p>Each encoding is accepted only as declared: a DER signature given as P1363 (or the reverse)
 * fails. DER is parsed strictly here ({@link EcP256#derToP1363}: the JDK alone accepts some BER
 * forms, a malleability risk), then checked as r ‖ s; SunEC rejects r or s outside [1, n-1].
 */
public final class Verifier {
    private final PinnedPeers peers;

    /** A verifier for the enabled peers of {@code peers}. */
    public Verifier(PinnedPeers peers) {
        this.peers = peers;
    }

    /** True only when {@code signature} is a valid signature of {@code message} by {@code key}. */
    public static boolean verify(ECPublicKey key, byte[] message, byte[] signature, SignatureFormat format) {
        if (key == null || message == null || signature == null || !EcP256.isP256(key.getParams())) {
            return false;
        }
        byte[] rs = format == SignatureFormat.DER ? EcP256.derToP1363(signature) : signature;
        if (rs == null || rs.length != EcP256.P1363_SIGNATURE_BYTES) {
            return false;
        }
        try {
            Signature v = Signature.getInstance(SignatureFormat.P1363.jcaAlgorithm());
            v.initVerify(key);
            v.update(message);
            return v.verify(rs);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /**
     * The enabled pinned peer whose identity_id is {@code claimed}, if the signature verifies with
     * its key; empty for an unknown, disabled or unverified peer.
     */
    public Optional<PinnedPeer> verify(IdentityId claimed, byte[] message, byte[] signature, SignatureFormat format) {
        Optional<PinnedPeer> peer = peers.find(claimed);
        if (peer.isPresent() && verify(peer.get().publicKey(), message, signature, format)) {
            return peer;
        }
        return Optional.empty();
    }

    /** The peers this verifier accepts. */
    public PinnedPeers peers() {
        return peers;
    }
}
