package dev.psk.tunnel.handshake;

import static dev.psk.tunnel.handshake.HandshakeWire.*;

import java.nio.ByteBuffer;

/**
 * REJECT, either direction, fixed {@value HandshakeWire#REJECT_BYTES} bytes: tells the peer why its
 * handshake was refused so the reason appears in both logs. MACed under the sender's direction key,
 * so only a pad holder can make one, and it must echo the receiver's live session and nonce_i.
 *
 * @param nonceR all zero when a HELLO is refused (no nonce_r exists yet)
 */
public record RejectMessage(byte role, byte[] sessionId, byte[] nonceI, byte[] nonceR, Refusal reason) {
    public RejectMessage {
        Fields.check(sessionId, SESSION_ID_BYTES, "session id");
        Fields.check(nonceI, NONCE_BYTES, "nonce_i");
        Fields.check(nonceR, NONCE_BYTES, "nonce_r");
    }

    public byte[] encode(HandshakeMac mac) {
        byte[] m = new byte[REJECT_BYTES];
        ByteBuffer b = ByteBuffer.wrap(m);
        HandshakeCodec.writeHeader(b, TYPE_REJECT, role, 0, sessionId);
        b.put(nonceI).put(nonceR).put((byte) reason.code());
        mac.seal(m, m.length, role);
        return m;
    }

    public static RejectMessage decode(byte[] m, int len) throws MalformedHandshakeException {
        HandshakeCodec.require(m, len, TYPE_REJECT);
        return new RejectMessage(
                HandshakeCodec.role(m),
                HandshakeCodec.copy(m, OFF_SESSION, SESSION_ID_BYTES),
                HandshakeCodec.copy(m, REJECT_OFF_NONCE_I, NONCE_BYTES),
                HandshakeCodec.copy(m, REJECT_OFF_NONCE_R, NONCE_BYTES),
                Refusal.fromCode(m[REJECT_OFF_REASON] & 0xff));
    }
}
