package dev.psk.tunnel.state;

import dev.psk.common.PskException;

/**
 * The state file is corrupt, belongs to another pad or role, is missing although the pad has been
 * used, or cannot be made durable. Never answered by a silent reset: the message names the file,
 * the pad and what to do.
 */
public final class TunnelStateException extends PskException {
    private static final long serialVersionUID = 1L;

    public TunnelStateException(String message) {
        super(message);
    }

    public TunnelStateException(String message, Throwable cause) {
        super(message, cause);
    }
}
