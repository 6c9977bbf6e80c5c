package dev.psk.keygen;

import dev.psk.common.PskException;

/** The pad or its sidecar could not be written; nothing was left behind. */
public final class PadWriteException extends PskException {
    private static final long serialVersionUID = 1L;

    public PadWriteException(String message) {
        super(message);
    }

    public PadWriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
