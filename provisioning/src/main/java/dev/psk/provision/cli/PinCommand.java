package dev.psk.provision.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code psk-provision pin …}: the pinned-peers file. */
@Command(
        name = "pin",
        description = {
            "Manage the pinned peers: identity keys accepted in the handshake.",
            "The pinned-peers file lists the identity keys this device accepts in the tunnel handshake.",
            "(\"pin\" as in key pinning; token PINs are never handled here.)"
        },
        subcommands = {
            PinAddCommand.class,
            PinRemoveCommand.class,
            PinListCommand.class,
            PinEnableCommand.class,
            PinDisableCommand.class
        })
public final class PinCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return Groups.missingSubcommand(spec);
    }
}
