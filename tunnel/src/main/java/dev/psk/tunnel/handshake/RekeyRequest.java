package dev.psk.tunnel.handshake;

import static dev.psk.tunnel.handshake.HandshakeWire.*;

import java.nio.ByteBuffer;

/**
 * REKEY, responder to initiator, fixed {@value HandshakeWire#REKEY_BYTES} bytes: "start a handshake
 * now". The responder's rekey or re-attestation timer fired first, or data arrived under no key it
 * holds (it restarted). Only the initiator ever sends HELLO, so simultaneous rekeys resolve to one
 * handshake. MACed under key_r2i; a replayed request can at most start one handshake per
 * {@link HandshakeWire#REKEY_MIN_INTERVAL}. The session id field carries the responder's newest
 * session (zero when it has none), for logs.
 */
public record RekeyRequest(byte[] sessionId, byte[] nonce) {
    public RekeyRequest {
        Fields.check(sessionId, SESSION_ID_BYTES, "session id");
        Fields.check(nonce, NONCE_BYTES, "nonce");
    }

    public byte[] encode(HandshakeMac mac) {
        byte[] m = new byte[REKEY_BYTES];
        ByteBuffer b = ByteBuffer.wrap(m);
        HandshakeCodec.writeHeader(b, TYPE_REKEY, ROLE_RESPONDER, 0, sessionId);
        b.put(nonce);
        mac.seal(m, m.length, ROLE_RESPONDER);
        return m;
    }
}
