package dev.psk.attest;

/**
 * A TPM structure, signature encoding, event log or policy file is malformed. The message names the
 * structure, the field, the byte offset and what was expected; it is the only exception the parsers
 * of this module throw for bad input.
 */
public final class TpmFormatException extends AttestException {
    private static final long serialVersionUID = 1L;

    public TpmFormatException(String message) {
        super(message);
    }
}
