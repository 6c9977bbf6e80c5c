package dev.psk.identity.pkcs11;

import dev.psk.identity.IdentityException;

/**
 * A PKCS#11 URI does not follow RFC 7512. The message names the 1-based character position and the
 * grammar rule that failed; {@link #position()} gives the position to callers.
 */
public final class Pkcs11UriException extends IdentityException {
    private static final long serialVersionUID = 1L;
    private final int position;

    Pkcs11UriException(int position, String rule, String detail) {
        super("PKCS#11 URI: at position " + position + ": " + detail + " (RFC 7512 " + rule + ")");
        this.position = position;
    }

    /** 1-based position of the offending character (length + 1 for an unexpected end). */
    public int position() {
        return position;
    }
}
