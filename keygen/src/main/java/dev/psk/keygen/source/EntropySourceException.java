package dev.psk.keygen.source;

import dev.psk.common.PskException;

/** An entropy source cannot be opened or stopped delivering bytes. */
public class EntropySourceException extends PskException {
    private static final long serialVersionUID = 1L;

    public EntropySourceException(String message) {
        super(message);
    }

    public EntropySourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
