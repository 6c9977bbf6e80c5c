package dev.psk.provision.cli;

import dev.psk.common.cli.ExitCodes;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Shared behaviour of command groups invoked without a subcommand. */
final class Groups {
    private Groups() {}

    static int missingSubcommand(CommandSpec spec) {
        Map<String, CommandLine> subs = spec.commandLine().getSubcommands();
        spec.commandLine()
                .getErr()
                .println(spec.qualifiedName() + ": missing command (" + String.join(", ", subs.keySet()) + ")");
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }
}
