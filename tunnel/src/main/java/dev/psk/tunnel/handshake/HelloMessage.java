package dev.psk.tunnel.handshake;

import static dev.psk.tunnel.handshake.HandshakeWire.*;

import java.nio.ByteBuffer;

/**
 * HELLO, initiator to responder, fixed {@value HandshakeWire#HELLO_BYTES} bytes (docs/protocol.md 3.1):
 * header, nonce_i, identity_id, pad fingerprint, salted serial id, the initiator's ephemeral X25519
 * public key, the responder's return-routability cookie (zero until one was received), HMAC under
 * key_i2r.
 *
 * @param wants FLAG_WANT_SIGNATURE / FLAG_WANT_QUOTE: what the initiator demands in WELCOME
 * @param serialId empty, 8 or 16 bytes (salted serial identity; an identifier, not a secret)
 */
public record HelloMessage(
        int wants,
        byte[] sessionId,
        byte[] nonceI,
        byte[] identityId,
        byte[] padFingerprint,
        byte[] serialId,
        byte[] ephemeral,
        byte[] cookie) {
    public HelloMessage {
        Fields.check(sessionId, SESSION_ID_BYTES, "session id");
        Fields.check(nonceI, NONCE_BYTES, "nonce_i");
        Fields.check(identityId, IDENTITY_ID_BYTES, "identity_id");
        Fields.check(padFingerprint, PAD_FINGERPRINT_BYTES, "pad fingerprint");
        Fields.checkSerial(serialId);
        Fields.checkWants(wants);
        Fields.check(ephemeral, EPHEMERAL_BYTES, "ephemeral key");
        Fields.check(cookie, COOKIE_BYTES, "cookie");
    }

    public byte[] encode(HandshakeMac mac) {
        byte[] m = new byte[HELLO_BYTES];
        ByteBuffer b = ByteBuffer.wrap(m);
        HandshakeCodec.writeHeader(b, TYPE_HELLO, ROLE_INITIATOR, wants, sessionId);
        b.put(nonceI).put(identityId).put(padFingerprint).put((byte) serialId.length);
        b.position(HELLO_OFF_SERIAL);
        b.put(serialId);
        b.position(HELLO_OFF_EPHEMERAL);
        b.put(ephemeral).put(cookie);
        mac.seal(m, m.length, ROLE_INITIATOR);
        return m;
    }

    /** Decodes a structurally valid HELLO (MAC not checked). */
    public static HelloMessage decode(byte[] m, int len) throws MalformedHandshakeException {
        HandshakeCodec.require(m, len, TYPE_HELLO);
        return new HelloMessage(
                HandshakeCodec.flags(m),
                HandshakeCodec.copy(m, OFF_SESSION, SESSION_ID_BYTES),
                HandshakeCodec.copy(m, HELLO_OFF_NONCE_I, NONCE_BYTES),
                HandshakeCodec.copy(m, HELLO_OFF_IDENTITY, IDENTITY_ID_BYTES),
                HandshakeCodec.copy(m, HELLO_OFF_PAD_FP, PAD_FINGERPRINT_BYTES),
                HandshakeCodec.copy(m, HELLO_OFF_SERIAL, m[HELLO_OFF_SERIAL_LEN] & 0xff),
                HandshakeCodec.copy(m, HELLO_OFF_EPHEMERAL, EPHEMERAL_BYTES),
                HandshakeCodec.copy(m, HELLO_OFF_COOKIE, COOKIE_BYTES));
    }
}
