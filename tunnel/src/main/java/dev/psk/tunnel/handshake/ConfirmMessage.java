package dev.psk.tunnel.handshake;

import static dev.psk.tunnel.handshake.HandshakeWire.*;

import java.nio.ByteBuffer;

/**
 * CONFIRM, initiator to responder (docs/protocol.md 3.1): header, nonce_i, nonce_r (echo), optional
 * signature and quote, HMAC under key_i2r. It proves to the responder that the initiator is live
 * (it MACs the responder's fresh nonce_r), so a replayed HELLO never completes, and it carries the
 * initiator's signature, which can only exist once both nonces are known.
 */
public record ConfirmMessage(byte[] sessionId, byte[] nonceI, byte[] nonceR, byte[] signature, QuoteSection quote) {
    public ConfirmMessage {
        Fields.check(sessionId, SESSION_ID_BYTES, "session id");
        Fields.check(nonceI, NONCE_BYTES, "nonce_i");
        Fields.check(nonceR, NONCE_BYTES, "nonce_r");
        Fields.checkSignature(signature);
    }

    public int encodedBytes() {
        return CONFIRM_CORE_BYTES + HandshakeCodec.proofBytes(signature, quote) + MAC_BYTES;
    }

    public byte[] encode(HandshakeMac mac) {
        byte[] m = new byte[encodedBytes()];
        ByteBuffer b = ByteBuffer.wrap(m);
        int flags = HandshakeCodec.proofFlags(signature, quote);
        HandshakeCodec.writeHeader(b, TYPE_CONFIRM, ROLE_INITIATOR, flags, sessionId);
        b.put(nonceI).put(nonceR);
        HandshakeCodec.writeProofs(b, signature, quote);
        mac.seal(m, m.length, ROLE_INITIATOR);
        return m;
    }

    public static ConfirmMessage decode(byte[] m, int len) throws MalformedHandshakeException {
        HandshakeCodec.require(m, len, TYPE_CONFIRM);
        return new ConfirmMessage(
                HandshakeCodec.copy(m, OFF_SESSION, SESSION_ID_BYTES),
                HandshakeCodec.copy(m, CONFIRM_OFF_NONCE_I, NONCE_BYTES),
                HandshakeCodec.copy(m, CONFIRM_OFF_NONCE_R, NONCE_BYTES),
                HandshakeCodec.readSignature(m, CONFIRM_CORE_BYTES),
                HandshakeCodec.readQuote(m, CONFIRM_CORE_BYTES));
    }
}
