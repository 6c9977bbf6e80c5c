package dev.psk.tunnel.handshake;

import static dev.psk.tunnel.handshake.HandshakeWire.*;

import java.nio.ByteBuffer;

/**
 * PAD_MISMATCH, responder to initiator, fixed {@value HandshakeWire#NOTICE_BYTES} bytes: "the HELLO
 * you sent names a pad I do not hold; mine has this fingerprint". It cannot be MACed (the two ends
 * share no key when their pads differ), so it only ever produces a log line at the initiator and
 * changes no state; it echoes session id and nonce_i so an off-path sender cannot forge one, and it
 * is smaller than the HELLO that triggers it (no amplification).
 */
public record PadMismatchNotice(byte[] sessionId, byte[] nonceI, byte[] padFingerprint) {
    public PadMismatchNotice {
        Fields.check(sessionId, SESSION_ID_BYTES, "session id");
        Fields.check(nonceI, NONCE_BYTES, "nonce_i");
        Fields.check(padFingerprint, PAD_FINGERPRINT_BYTES, "pad fingerprint");
    }

    public byte[] encode() {
        byte[] m = new byte[NOTICE_BYTES];
        ByteBuffer b = ByteBuffer.wrap(m);
        HandshakeCodec.writeHeader(b, TYPE_PAD_MISMATCH, ROLE_RESPONDER, 0, sessionId);
        b.put(nonceI).put(padFingerprint);
        return m;
    }

    public static PadMismatchNotice decode(byte[] m, int len) throws MalformedHandshakeException {
        HandshakeCodec.require(m, len, TYPE_PAD_MISMATCH);
        return new PadMismatchNotice(
                HandshakeCodec.copy(m, OFF_SESSION, SESSION_ID_BYTES),
                HandshakeCodec.copy(m, NOTICE_OFF_NONCE_I, NONCE_BYTES),
                HandshakeCodec.copy(m, NOTICE_OFF_PAD_FP, PAD_FINGERPRINT_BYTES));
    }
}
