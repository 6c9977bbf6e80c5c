package dev.psk.keygen;

import dev.psk.common.PskException;

/** Generation stopped on request (Ctrl-C, SIGTERM) before its commit point; nothing was written. */
public final class GenerationCancelledException extends PskException {
    private static final long serialVersionUID = 1L;

    public GenerationCancelledException() {
        super("interrupted: no pad written");
    }
}
