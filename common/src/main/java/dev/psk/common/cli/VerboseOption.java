package dev.psk.common.cli;

import picocli.CommandLine.Option;

/** Mixin for {@code --verbose}: {@link CliRunner} prints the cause chain of a failure when it is set. */
public final class VerboseOption {
    @Option(names = "--verbose", description = "On failure, also print the cause (stack trace).")
    public boolean verbose;
}
