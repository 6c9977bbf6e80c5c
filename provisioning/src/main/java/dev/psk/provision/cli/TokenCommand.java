package dev.psk.provision.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code psk-provision token …}. */
@Command(
        name = "token",
        description = "Initialize and list PKCS#11 tokens.",
        subcommands = {TokenInitCommand.class, TokenListCommand.class})
public final class TokenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return Groups.missingSubcommand(spec);
    }
}
