package dev.psk.tunnel.handshake;

import static dev.psk.tunnel.handshake.HandshakeWire.*;

import java.nio.ByteBuffer;

/**
 * WELCOME, responder to initiator (docs/protocol.md 3.1): header, nonce_i (echo), nonce_r,
 * identity_id_r, pad fingerprint, salted serial id, key epoch, the responder's ephemeral X25519
 * public key, then an optional 64-byte signature (FLAG_SIGNATURE)
 * and an optional quote section (FLAG_QUOTE), then HMAC under key_r2i.
 *
 * @param signature null or the responder's P1363 ECDSA P-256 signature over the transcript
 * @param quote null or the responder's TPM quote
 */
public record WelcomeMessage(
        int wants,
        byte[] sessionId,
        byte[] nonceI,
        byte[] nonceR,
        byte[] identityId,
        byte[] padFingerprint,
        byte[] serialId,
        int epoch,
        byte[] ephemeral,
        byte[] signature,
        QuoteSection quote) {
    public WelcomeMessage {
        Fields.check(sessionId, SESSION_ID_BYTES, "session id");
        Fields.check(nonceI, NONCE_BYTES, "nonce_i");
        Fields.check(nonceR, NONCE_BYTES, "nonce_r");
        Fields.check(identityId, IDENTITY_ID_BYTES, "identity_id");
        Fields.check(padFingerprint, PAD_FINGERPRINT_BYTES, "pad fingerprint");
        Fields.checkSerial(serialId);
        Fields.checkWants(wants);
        Fields.checkSignature(signature);
        Fields.check(ephemeral, EPHEMERAL_BYTES, "ephemeral key");
        if (epoch < 0 || epoch > MAX_EPOCH) {
            throw new IllegalArgumentException("key epoch must be 0.." + MAX_EPOCH + ", not " + epoch);
        }
    }

    /** The flags byte this message carries (wants and presence bits), which the transcript covers. */
    public int flagsByte() {
        return wants | HandshakeCodec.proofFlags(signature, quote);
    }

    public int encodedBytes() {
        return WELCOME_CORE_BYTES + HandshakeCodec.proofBytes(signature, quote) + MAC_BYTES;
    }

    public byte[] encode(HandshakeMac mac) {
        byte[] m = new byte[encodedBytes()];
        ByteBuffer b = ByteBuffer.wrap(m);
        HandshakeCodec.writeHeader(b, TYPE_WELCOME, ROLE_RESPONDER, flagsByte(), sessionId);
        b.put(nonceI).put(nonceR).put(identityId).put(padFingerprint).put((byte) serialId.length);
        b.put((byte) epoch);
        b.position(WELCOME_OFF_SERIAL);
        b.put(serialId);
        b.position(WELCOME_OFF_EPHEMERAL);
        b.put(ephemeral);
        HandshakeCodec.writeProofs(b, signature, quote);
        mac.seal(m, m.length, ROLE_RESPONDER);
        return m;
    }

    public static WelcomeMessage decode(byte[] m, int len) throws MalformedHandshakeException {
        HandshakeCodec.require(m, len, TYPE_WELCOME);
        return new WelcomeMessage(
                HandshakeCodec.flags(m) & (FLAG_WANT_SIGNATURE | FLAG_WANT_QUOTE),
                HandshakeCodec.copy(m, OFF_SESSION, SESSION_ID_BYTES),
                HandshakeCodec.copy(m, WELCOME_OFF_NONCE_I, NONCE_BYTES),
                HandshakeCodec.copy(m, WELCOME_OFF_NONCE_R, NONCE_BYTES),
                HandshakeCodec.copy(m, WELCOME_OFF_IDENTITY, IDENTITY_ID_BYTES),
                HandshakeCodec.copy(m, WELCOME_OFF_PAD_FP, PAD_FINGERPRINT_BYTES),
                HandshakeCodec.copy(m, WELCOME_OFF_SERIAL, m[WELCOME_OFF_SERIAL_LEN] & 0xff),
                m[WELCOME_OFF_EPOCH] & 0xff,
                HandshakeCodec.copy(m, WELCOME_OFF_EPHEMERAL, EPHEMERAL_BYTES),
                HandshakeCodec.readSignature(m, WELCOME_CORE_BYTES),
                HandshakeCodec.readQuote(m, WELCOME_CORE_BYTES));
    }
}
