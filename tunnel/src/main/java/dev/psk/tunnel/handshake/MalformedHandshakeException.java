package dev.psk.tunnel.handshake;

import dev.psk.common.PskException;

/** A handshake datagram that does not follow docs/protocol.md section 3. */
public final class MalformedHandshakeException extends PskException {
    private static final long serialVersionUID = 1L;
    private final HandshakeDrop reason;

    public MalformedHandshakeException(HandshakeDrop reason, String message) {
        super(message);
        this.reason = reason;
    }

    public HandshakeDrop reason() {
        return reason;
    }
}
