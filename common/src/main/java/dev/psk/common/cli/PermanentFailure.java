package dev.psk.common.cli;

/**
 * Marks an exception that retrying cannot fix (a configuration that does not parse, a pad that is
 * used up): {@link CliRunner} exits with {@link ExitCodes#DO_NOT_RESTART} for it instead of
 * {@link ExitCodes#FAILURE}, so a service manager does not restart the daemon in a loop.
 */
public interface PermanentFailure {}
