package dev.psk.keygen.cli;

import dev.psk.common.cli.CliRunner;
import dev.psk.common.cli.CommandGroups;
import dev.psk.common.cli.PrerenderedHelp;
import dev.psk.common.cli.VersionProvider;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code psk-keygen}: pads of 120-byte key slots for psk-tunnel. */
@Command(
        name = "psk-keygen",
        scope = ScopeType.INHERIT, // subcommands get --help, --version and the version provider
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Generate, verify and inspect pads: files of 120-byte key slots shared by both ends of psk-tunnel."
        },
        subcommands = {GenerateCommand.class, VerifyCommand.class, InfoCommand.class},
        footer = {"", "Exit codes: 0 success (verify: the pad matches), 1 failure (verify: rejected), 2 usage error."})
public final class PskKeygen implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        if (PrerenderedHelp.print("psk-keygen", args)) {
            return; // help rendered at build time: no command model to build
        }
        System.exit(CliRunner.run(new PskKeygen(), args));
    }

    @Override
    public Integer call() {
        return CommandGroups.missingSubcommand(spec);
    }
}
