package dev.psk.tunnel.handshake;

import dev.psk.common.Secrets;
import java.nio.ByteBuffer;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;

/**
 * HMAC-SHA256 over a handshake message: the MAC covers every byte before it and occupies the last
 * {@link HandshakeWire#MAC_BYTES} bytes. One keyed {@link Mac} per direction, reused, so verifying
 * a datagram allocates nothing.
 *
 * <p>Not thread-safe: each engine owns one instance.
 */
public final class HandshakeMac {
    private final Mac fromInitiator;
    private final Mac fromResponder;
    private final byte[] scratch = new byte[HandshakeWire.MAC_BYTES];

    public HandshakeMac(HandshakeKeys keys) {
        this.fromInitiator = Hkdf.hmac(keys.macKeyFor(HandshakeWire.ROLE_INITIATOR));
        this.fromResponder = Hkdf.hmac(keys.macKeyFor(HandshakeWire.ROLE_RESPONDER));
    }

    private Mac mac(byte senderRole) {
        return senderRole == HandshakeWire.ROLE_INITIATOR ? fromInitiator : fromResponder;
    }

    /** Writes the MAC of {@code msg[0, length-32)} into {@code msg[length-32, length)}. */
    public void seal(byte[] msg, int length, byte senderRole) {
        Mac m = mac(senderRole);
        m.update(msg, 0, length - HandshakeWire.MAC_BYTES);
        try {
            m.doFinal(msg, length - HandshakeWire.MAC_BYTES);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Verifies the trailing MAC of the {@code length} bytes at absolute index {@code start} of {@code buf}
     * in constant time. Does not move the buffer's position or limit.
     */
    public boolean verify(ByteBuffer buf, int start, int length, byte senderRole) {
        if (length < HandshakeWire.HEADER_BYTES + HandshakeWire.MAC_BYTES) {
            return false;
        }
        Mac m = mac(senderRole);
        ByteBuffer view = buf.duplicate();
        view.limit(start + length - HandshakeWire.MAC_BYTES).position(start);
        m.update(view);
        try {
            m.doFinal(scratch, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
        boolean ok = Secrets.equal(buf, start + length - HandshakeWire.MAC_BYTES, scratch, 0, HandshakeWire.MAC_BYTES);
        java.util.Arrays.fill(scratch, (byte) 0);
        return ok;
    }

    public boolean verify(byte[] msg, int length, byte senderRole) {
        return verify(ByteBuffer.wrap(msg), 0, length, senderRole);
    }
}
