package dev.psk.provision.cli;

import dev.psk.common.cli.CommandGroups;
import picocli.CommandLine.Model.CommandSpec;

/** Shared behaviour of command groups invoked without a subcommand. */
final class Groups {
    private Groups() {}

    static int missingSubcommand(CommandSpec spec) {
        return CommandGroups.missingSubcommand(spec);
    }
}
