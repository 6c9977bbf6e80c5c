package dev.psk.common.state;

import dev.psk.common.PskException;

/**
 * A state file that cannot be read or does not hold a {@link TunnelState}. The message is
 * {@code "<what>: <detail>"}; {@link #detail()} alone lets a caller put its own context around it.
 */
public final class StateFileException extends PskException {
    private static final long serialVersionUID = 1L;

    private final String detail;

    public StateFileException(String what, String detail) {
        super(what + ": " + detail);
        this.detail = detail;
    }

    /** What is wrong, without the name of the input. */
    public String detail() {
        return detail;
    }
}
