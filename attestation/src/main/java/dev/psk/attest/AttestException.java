package dev.psk.attest;

import dev.psk.common.PskException;

/** Root of the attestation module's typed exceptions. */
public class AttestException extends PskException {
    private static final long serialVersionUID = 1L;

    public AttestException(String message) {
        super(message);
    }

    public AttestException(String message, Throwable cause) {
        super(message, cause);
    }
}
