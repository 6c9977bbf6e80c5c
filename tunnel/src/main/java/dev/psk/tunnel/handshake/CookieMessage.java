package dev.psk.tunnel.handshake;

import static dev.psk.tunnel.handshake.HandshakeWire.*;

import java.nio.ByteBuffer;

/**
 * COOKIE, responder to initiator, fixed {@value HandshakeWire#COOKIE_MESSAGE_BYTES} bytes: "repeat
 * your HELLO with this cookie". The cookie is an HMAC of the HELLO's source address and port under a
 * secret only the responder holds ({@link CookieJar}), so the responder keeps no state and signs
 * nothing for a source until it has shown it receives at its address. Smaller than the HELLO it
 * answers (no amplification); MACed under key_r2i and echoing session id and nonce_i, so only the
 * live initiator accepts it.
 */
public record CookieMessage(byte[] sessionId, byte[] nonceI, byte[] cookie) {
    public CookieMessage {
        Fields.check(sessionId, SESSION_ID_BYTES, "session id");
        Fields.check(nonceI, NONCE_BYTES, "nonce_i");
        Fields.check(cookie, COOKIE_BYTES, "cookie");
    }

    public byte[] encode(HandshakeMac mac) {
        byte[] m = new byte[COOKIE_MESSAGE_BYTES];
        ByteBuffer b = ByteBuffer.wrap(m);
        HandshakeCodec.writeHeader(b, TYPE_COOKIE, ROLE_RESPONDER, 0, sessionId);
        b.put(nonceI).put(cookie);
        mac.seal(m, m.length, ROLE_RESPONDER);
        return m;
    }

    public static CookieMessage decode(byte[] m, int len) throws MalformedHandshakeException {
        HandshakeCodec.require(m, len, TYPE_COOKIE);
        return new CookieMessage(
                HandshakeCodec.copy(m, OFF_SESSION, SESSION_ID_BYTES),
                HandshakeCodec.copy(m, COOKIE_OFF_NONCE_I, NONCE_BYTES),
                HandshakeCodec.copy(m, COOKIE_OFF_COOKIE, COOKIE_BYTES));
    }
}
