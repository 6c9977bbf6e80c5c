package dev.psk.common.cli;

/** Exit codes shared by every CLI of the toolkit (documented in the README). */
public final class ExitCodes {
    /** Success; for verifiers: accepted. */
    public static final int OK = 0;
    /** Operational failure; for verifiers: rejected. */
    public static final int FAILURE = 1;
    /** Usage error: bad flags, bad argument syntax. */
    public static final int USAGE = 2;

    private ExitCodes() {}
}
