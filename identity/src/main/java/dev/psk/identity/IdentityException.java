package dev.psk.identity;

import dev.psk.common.PskException;

/**
 * Root of the identity library's typed exceptions. Messages name the input (URI, file, token, key)
 * and what was expected; they never carry a PIN or other secret.
 */
public class IdentityException extends PskException {
    private static final long serialVersionUID = 1L;

    public IdentityException(String message) {
        super(message);
    }

    public IdentityException(String message, Throwable cause) {
        super(message, cause);
    }
}
