package dev.psk.common.cli;

import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * A command group (a command whose work is done by its subcommands) run without a subcommand is
 * a usage error: one line naming the choices and the group's usage on stderr, nothing on stdout,
 * exit code {@link ExitCodes#USAGE}.
 */
public final class CommandGroups {
    private CommandGroups() {}

    public static int missingSubcommand(CommandSpec spec) {
        CommandLine cl = spec.commandLine();
        Map<String, CommandLine> subs = cl.getSubcommands();
        cl.getErr().println(spec.qualifiedName() + ": missing command (" + String.join(", ", subs.keySet()) + ")");
        cl.usage(cl.getErr());
        cl.getErr().flush();
        return ExitCodes.USAGE;
    }
}
