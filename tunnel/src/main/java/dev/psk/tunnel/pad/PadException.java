package dev.psk.tunnel.pad;

import dev.psk.common.PskException;

/** The pad file is missing, unreadable, too small or cannot be erased; the message names the file. */
public class PadException extends PskException {
    private static final long serialVersionUID = 1L;

    public PadException(String message) {
        super(message);
    }

    public PadException(String message, Throwable cause) {
        super(message, cause);
    }
}
