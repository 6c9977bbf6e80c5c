package dev.psk.identity.pkcs11;

import dev.psk.identity.IdentityException;

/**
 * A PKCS#11 module, token or object operation failed. When a PKCS#11 function returned an error,
 * {@link #returnValue()} is its CK_RV and the message names the function and the CKR_ name.
 * Subclasses mark the failures a caller reacts to differently.
 */
public class Pkcs11Exception extends IdentityException {
    private static final long serialVersionUID = 1L;
    private final long rv;

    public Pkcs11Exception(String message) {
        super(message);
        this.rv = -1;
    }

    public Pkcs11Exception(String message, Throwable cause) {
        super(message, cause);
        this.rv = -1;
    }

    Pkcs11Exception(String message, long rv) {
        super(message);
        this.rv = rv;
    }

    /** The CK_RV a PKCS#11 function returned, or -1 when the failure did not come from one. */
    public long returnValue() {
        return rv;
    }

    /** The module cannot be found, loaded, or initialized. */
    public static final class ModuleException extends Pkcs11Exception {
        private static final long serialVersionUID = 1L;

        ModuleException(String message) {
            super(message);
        }

        ModuleException(String message, long rv) {
            super(message, rv);
        }
    }

    /** No token (or more than one) matches the URI; the message lists the tokens present. */
    public static final class TokenNotFoundException extends Pkcs11Exception {
        private static final long serialVersionUID = 1L;

        TokenNotFoundException(String message) {
            super(message);
        }
    }

    /** No key (or more than one) matches the URI's object/id on the token. */
    public static final class KeyNotFoundException extends Pkcs11Exception {
        private static final long serialVersionUID = 1L;

        KeyNotFoundException(String message) {
            super(message);
        }
    }

    /** The PIN was refused (incorrect, locked, bad length) or could not be obtained. Never carries the PIN. */
    public static final class PinException extends Pkcs11Exception {
        private static final long serialVersionUID = 1L;

        public PinException(String message) {
            super(message);
        }

        PinException(String message, long rv) {
            super(message, rv);
        }
    }
}
