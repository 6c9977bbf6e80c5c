package dev.psk.provision.cli.hub;

import dev.psk.common.cli.VerboseOption;
import dev.psk.common.cli.VersionProvider;
import dev.psk.provision.ProvisionException;
import dev.psk.provision.hub.HubEnrolment;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code psk-provision hub init --config FILE}: a new hub key pair and an empty client list. */
@Command(
        name = "init",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Create a hub configuration with a fresh key pair and no clients.",
            "The file gets a new X25519 key pair and mode 0600; an existing file is never overwritten."
        },
        footer = {
            "",
            "Example:",
            "  psk-provision hub init --config /etc/psk/hub.json --listen-port 51820 \\",
            "    --address 10.77.0.1/24",
            "",
            "Exit codes: 0 created, 1 failure (file exists, unwritable), 2 usage error."
        })
final class HubInitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    VerboseOption verbose;

    @Option(
            names = "--config",
            required = true,
            paramLabel = "FILE",
            description = "Hub configuration to create (never overwritten).")
    Path config;

    @Option(
            names = "--listen-address",
            defaultValue = "0.0.0.0",
            paramLabel = "ADDR",
            description = "UDP address (default ${DEFAULT-VALUE}).")
    String listenAddress;

    @Option(
            names = "--listen-port",
            defaultValue = "51820",
            paramLabel = "PORT",
            description = "UDP port (default ${DEFAULT-VALUE}).")
    int listenPort;

    @Option(
            names = "--address",
            defaultValue = "10.77.0.1/24",
            paramLabel = "CIDR",
            description = "The hub's tunnel address and network (default ${DEFAULT-VALUE}).")
    String address;

    @Option(
            names = "--interface",
            defaultValue = "pskh0",
            paramLabel = "NAME",
            description = "TUN interface name (default ${DEFAULT-VALUE}).")
    String iface;

    @Override
    public Integer call() throws ProvisionException {
        String fp = HubEnrolment.init(config, listenAddress, listenPort, address, iface);
        spec.commandLine().getOut().println("hub " + fp + " created in " + config);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
