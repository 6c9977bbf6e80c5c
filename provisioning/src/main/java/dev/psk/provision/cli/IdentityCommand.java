package dev.psk.provision.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code psk-provision identity …}. */
@Command(
        name = "identity",
        description = "Create, list and use hardware-bound identity keys.",
        subcommands = {
            IdentityCreateCommand.class,
            IdentityListCommand.class,
            IdentitySignCommand.class,
            IdentityVerifyCommand.class
        })
public final class IdentityCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return Groups.missingSubcommand(spec);
    }
}
