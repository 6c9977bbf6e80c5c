package dev.psk.common.state;

import dev.psk.common.PskException;

/**
 * A state file that cannot be read or does not hold a {@link TunnelState}. The message is
 * {@code "<what>: <detail>"}; {@link #detail()} alone lets a caller put its own context around it.
 */
public final class StateFileException extends PskException {
    private static final long serialVersionUID = 1L;

    private final String detail;
    private final boolean unreadable;

    public StateFileException(String what, String detail) {
        this(what, detail, false);
    }

    /** {@code unreadable}: the file could not be read at all (its content says nothing yet). */
    public StateFileException(String what, String detail, boolean unreadable) {
        super(what + ": " + detail);
        this.detail = detail;
        this.unreadable = unreadable;
    }

    /** True when reading failed (permissions, a directory, an I/O error), not the content. */
    public boolean unreadable() {
        return unreadable;
    }

    /** What is wrong, without the name of the input. */
    public String detail() {
        return detail;
    }
}
