package dev.psk.tunnel.handshake;

import static dev.psk.tunnel.handshake.HandshakeWire.*;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The byte string each side signs (docs/protocol.md 3.3), {@value HandshakeWire#TRANSCRIPT_BYTES} bytes:
 *
 * <pre>
 *   "psk-tunnel/v1 handshake transcript" (34 ASCII bytes) || u8 version || u8 signer_role
 *   || session_id[8] || nonce_i[32] || nonce_r[32] || identity_id_i[8] || identity_id_r[8] || pad_fp[16]
 * </pre>
 *
 * Every field has a fixed length, so the encoding is injective. The signer's role is inside, so the
 * initiator's signature can never stand in for the responder's (reflection), and both fresh nonces
 * are inside, so a signature never verifies in another handshake (replay).
 */
public final class Transcript {
    private Transcript() {}

    public static byte[] encode(
            byte signerRole,
            byte[] sessionId,
            byte[] nonceI,
            byte[] nonceR,
            byte[] identityI,
            byte[] identityR,
            byte[] padFingerprint) {
        Fields.check(sessionId, SESSION_ID_BYTES, "session id");
        Fields.check(nonceI, NONCE_BYTES, "nonce_i");
        Fields.check(nonceR, NONCE_BYTES, "nonce_r");
        Fields.check(identityI, IDENTITY_ID_BYTES, "identity_id_i");
        Fields.check(identityR, IDENTITY_ID_BYTES, "identity_id_r");
        Fields.check(padFingerprint, PAD_FINGERPRINT_BYTES, "pad fingerprint");
        ByteBuffer b = ByteBuffer.allocate(TRANSCRIPT_BYTES);
        b.put(HandshakeKeys.ascii(TRANSCRIPT_CONTEXT))
                .put(VERSION)
                .put(signerRole)
                .put(sessionId)
                .put(nonceI)
                .put(nonceR)
                .put(identityI)
                .put(identityR)
                .put(padFingerprint);
        return b.array();
    }

    /** The TPM quote's qualifying data: SHA-256(transcript || identity_id of the attesting side). */
    public static byte[] quoteNonce(byte[] transcript, byte[] attesterIdentity) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(transcript);
            d.update(attesterIdentity);
            return d.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
