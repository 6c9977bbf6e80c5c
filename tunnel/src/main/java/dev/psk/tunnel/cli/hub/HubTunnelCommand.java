package dev.psk.tunnel.cli.hub;

import dev.psk.common.CoreDumps;
import dev.psk.common.cli.CliRunner;
import dev.psk.common.cli.VersionProvider;
import picocli.CommandLine.Command;

/**
 * {@code psk-tunnel hub}: the hub-mode commands. Registered under PskTunnel as a subcommand; also
 * runnable on its own ({@link #main}) for tests and for hosts that only run a hub.
 */
@Command(
        name = "hub",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Hub mode: a Noise IKpsk2 server for many clients, and its client.",
        footer = {
            "",
            "Examples (the configurations come from psk-provision hub):",
            "  psk-tunnel hub server --config /etc/psk/hub.json",
            "  psk-tunnel hub client --config alice.json"
        },
        subcommands = {HubServerCommand.class, HubClientCommand.class})
public final class HubTunnelCommand implements java.util.concurrent.Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Bare {@code hub}: a usage error like every other command group (exit 2, usage on stderr). */
    @Override
    public Integer call() {
        return dev.psk.common.cli.CommandGroups.missingSubcommand(spec);
    }

    public static void main(String[] args) {
        CoreDumps.disableOrWarn(); // keys and pads must not reach a core file
        System.exit(CliRunner.run("psk-tunnel", new HubTunnelCommand(), args));
    }
}
