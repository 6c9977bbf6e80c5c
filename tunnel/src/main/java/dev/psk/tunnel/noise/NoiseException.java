package dev.psk.tunnel.noise;

import dev.psk.common.PskException;

/**
 * A Noise handshake or transport step failed: authentication, a low-order Diffie-Hellman result,
 * a malformed message, an exhausted nonce. The {@link Reason} is stable for metrics; the message
 * names the step and never carries key material.
 */
public final class NoiseException extends PskException {
    private static final long serialVersionUID = 1L;

    /** Why a step failed, stable for counters and tests. */
    public enum Reason {
        MALFORMED,
        DECRYPT_FAILED,
        LOW_ORDER_POINT,
        UNKNOWN_STATIC_KEY,
        NONCE_EXHAUSTED,
        WRONG_STATE,
        PROVIDER
    }

    private final Reason reason;

    public NoiseException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public NoiseException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
