package dev.psk.common.cli;

/** Exit codes shared by every CLI of the toolkit (documented in the README). */
public final class ExitCodes {
    /** Success; for verifiers: accepted. */
    public static final int OK = 0;
    /** Operational failure; for verifiers: rejected. */
    public static final int FAILURE = 1;
    /** Usage error: bad flags, bad argument syntax. */
    public static final int USAGE = 2;
    /**
     * A daemon stopped on something only a person can fix, such as a bad configuration.
     * The systemd units list it (with {@link #USAGE}) in RestartPreventExitStatus, so it is not
     * restarted in a loop; a plain {@link #FAILURE} is restarted.
     */
    public static final int DO_NOT_RESTART = 3;
    /**
     * psk-tunnel stopped, or refused to start, because its pad has no packet left to send with:
     * its own code so that a script or monitor can tell "distribute a new pad" from a bad
     * configuration without reading the log. Never worth a restart: the units list it in
     * RestartPreventExitStatus too.
     */
    public static final int PAD_EXHAUSTED = 4;

    private ExitCodes() {}
}
