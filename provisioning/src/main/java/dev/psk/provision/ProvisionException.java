package dev.psk.provision;

import dev.psk.common.PskException;

/** A provisioning step was refused or failed; the message names the input and what was expected. */
public class ProvisionException extends PskException {
    private static final long serialVersionUID = 1L;

    public ProvisionException(String message) {
        super(message);
    }

    public ProvisionException(String message, Throwable cause) {
        super(message, cause);
    }
}
