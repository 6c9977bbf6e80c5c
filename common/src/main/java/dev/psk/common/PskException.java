package dev.psk.common;

/**
 * Root of the toolkit's typed, checked exceptions. Messages name the input and what was expected,
 * never a secret; the CLIs print {@link #getMessage()} as their one-line error.
 */
public class PskException extends Exception {
    private static final long serialVersionUID = 1L;

    public PskException(String message) {
        super(message);
    }

    public PskException(String message, Throwable cause) {
        super(message, cause);
    }
}
