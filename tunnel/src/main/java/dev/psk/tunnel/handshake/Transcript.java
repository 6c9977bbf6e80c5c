package dev.psk.tunnel.handshake;

import static dev.psk.tunnel.handshake.HandshakeWire.*;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * What both sides sign and what the session secret hashes (docs/protocol.md 3.3),
 * {@value HandshakeWire#TRANSCRIPT_BYTES} bytes:
 *
 * <pre>
 *   "psk-tunnel/v2 handshake transcript" (34 ASCII bytes) || u8 version || u8 signer_role || body
 *   body = session_id[8] || nonce_i[32] || nonce_r[32] || e_i[32] || e_r[32]
 *          || identity_id_i[8] || identity_id_r[8] || pad_fp[16]
 *          || u8 serial_len_i || serial_i[16, zero-padded] || u8 serial_len_r || serial_r[16, zero-padded]
 *          || u8 hello_flags || u8 welcome_flags || u8 epoch
 * </pre>
 *
 * Every field has a fixed length (serials padded, lengths explicit), so the encoding is injective.
 * The signer's role is inside, so the initiator's signature never stands in for the responder's
 * (reflection); both nonces and both ephemeral keys are inside, so a signature is worthless in any
 * other handshake and binds the Diffie-Hellman exchange to the signer's identity.
 */
public record Transcript(
        byte[] sessionId,
        byte[] nonceI,
        byte[] nonceR,
        byte[] ephemeralI,
        byte[] ephemeralR,
        byte[] identityI,
        byte[] identityR,
        byte[] padFingerprint,
        byte[] serialI,
        byte[] serialR,
        int helloFlags,
        int welcomeFlags,
        int epoch) {
    public Transcript {
        Fields.check(sessionId, SESSION_ID_BYTES, "session id");
        Fields.check(nonceI, NONCE_BYTES, "nonce_i");
        Fields.check(nonceR, NONCE_BYTES, "nonce_r");
        Fields.check(ephemeralI, EPHEMERAL_BYTES, "e_i");
        Fields.check(ephemeralR, EPHEMERAL_BYTES, "e_r");
        Fields.check(identityI, IDENTITY_ID_BYTES, "identity_id_i");
        Fields.check(identityR, IDENTITY_ID_BYTES, "identity_id_r");
        Fields.check(padFingerprint, PAD_FINGERPRINT_BYTES, "pad fingerprint");
        Fields.checkSerial(serialI);
        Fields.checkSerial(serialR);
    }

    /** The bytes {@code signerRole} signs. */
    public byte[] encode(byte signerRole) {
        ByteBuffer b = ByteBuffer.allocate(TRANSCRIPT_BYTES);
        b.put(HandshakeKeys.ascii(TRANSCRIPT_CONTEXT)).put(VERSION).put(signerRole);
        writeBody(b);
        return b.array();
    }

    /** SHA-256 of the body (everything after the signer role): input to the session secret. */
    public byte[] bodyHash() {
        ByteBuffer b = ByteBuffer.allocate(TRANSCRIPT_BODY_BYTES);
        writeBody(b);
        return sha256(b.array());
    }

    private void writeBody(ByteBuffer b) {
        b.put(sessionId).put(nonceI).put(nonceR).put(ephemeralI).put(ephemeralR);
        b.put(identityI).put(identityR).put(padFingerprint);
        b.put((byte) serialI.length).put(serialI).position(b.position() + SERIAL_ID_BYTES - serialI.length);
        b.put((byte) serialR.length).put(serialR).position(b.position() + SERIAL_ID_BYTES - serialR.length);
        b.put((byte) helloFlags).put((byte) welcomeFlags).put((byte) epoch);
    }

    /** The TPM quote's qualifying data: SHA-256(transcript || identity_id of the attesting side). */
    public static byte[] quoteNonce(byte[] transcript, byte[] attesterIdentity) {
        byte[] both = new byte[transcript.length + attesterIdentity.length];
        System.arraycopy(transcript, 0, both, 0, transcript.length);
        System.arraycopy(attesterIdentity, 0, both, transcript.length, attesterIdentity.length);
        return sha256(both);
    }

    static byte[] sha256(byte[] in) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(in);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
