package dev.psk.keygen;

import dev.psk.common.PskException;

/** {@code psk-keygen verify} rejected a pad; {@link #reason()} says why. */
public final class VerificationFailure extends PskException {
    private static final long serialVersionUID = 1L;

    public enum Reason {
        PAD_MISSING,
        SIDECAR_MISSING,
        SIDECAR_MALFORMED,
        SIDECAR_NAMES_OTHER_FILE,
        NOT_WHOLE_SLOTS,
        MISMATCH
    }

    private final Reason reason;

    public VerificationFailure(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
