package dev.psk.provision.cli;

import dev.psk.common.CoreDumps;
import dev.psk.common.cli.CliRunner;
import dev.psk.common.cli.PrerenderedHelp;
import dev.psk.common.cli.VersionProvider;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code psk-provision}: deployment-time provisioning. Each command group is one entry of
 * {@code subcommands} below: adding one (e.g. {@code hub.HubCommand.class}) is a one-line change.
 */
@Command(
        name = "psk-provision",
        scope = ScopeType.INHERIT, // subcommands get --help, --version and the version provider
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Provision device identities in PKCS#11 tokens, serial identities and pinned peers.",
            "Tokens: SoftHSM2, TPM 2.0 via tpm2-pkcs11, ATECC608A. Serial identities are salted.",
            "PINs come from files (--pin-file, pin-source=file:…) or a prompt; never put one on the command line."
        },
        subcommands = {
            TokenCommand.class,
            IdentityCommand.class,
            SerialIdCommand.class,
            PinCommand.class,
            dev.psk.provision.cli.hub.HubCommand.class,
        },
        footer = {"", "Exit codes: 0 success (verify: accepted), 1 failure (verify: rejected), 2 usage error."})
public final class PskProvision implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        if (PrerenderedHelp.print("psk-provision", args)) {
            return; // help rendered at build time: no command model to build
        }
        CoreDumps.disableOrWarn(); // keys and pads must not reach a core file
        System.exit(CliRunner.run(new PskProvision(), args));
    }

    @Override
    public Integer call() {
        return Groups.missingSubcommand(spec);
    }
}
