package dev.psk.provision.cli.hub;

import dev.psk.common.cli.UsageException;
import dev.psk.common.cli.VerboseOption;
import dev.psk.common.cli.VersionProvider;
import dev.psk.provision.ProvisionException;
import dev.psk.provision.hub.HubEnrolment;
import dev.psk.tunnel.hub.Cidr;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code psk-provision hub add-client NAME --allowed-ips CIDR[,CIDR]}: enrols one client. */
@Command(
        name = "add-client",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Enrol a client: key pair, PSK, client file and hub entry.",
            "Each client gets a new X25519 key pair and PSK, its own configuration file and an entry in the hub's.",
            "The client's configuration is written with mode 0600 and never overwritten; the hub configuration is"
                    + " updated atomically and a running hub picks the client up."
        },
        footer = {
            "",
            "Example:",
            "  psk-provision hub add-client alice --allowed-ips 10.77.0.2/32 \\",
            "    --config /etc/psk/hub.json --endpoint hub.example.net:51820 --out alice.json",
            "",
            "Exit codes: 0 enrolled, 1 failure (name taken, overlapping AllowedIPs, file exists), 2 usage error."
        })
final class HubAddClientCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    VerboseOption verbose;

    @Parameters(index = "0", paramLabel = "NAME", description = "Client name (letters, digits, '.', '_', '-').")
    String name;

    @Option(
            names = "--allowed-ips",
            required = true,
            split = ",",
            paramLabel = "CIDR",
            description = "The client's inner addresses.")
    List<String> allowedIps;

    @Option(
            names = "--config",
            required = true,
            paramLabel = "FILE",
            description = "Hub configuration to add the client to.")
    Path config;

    @Option(
            names = "--endpoint",
            required = true,
            paramLabel = "HOST:PORT",
            description = "Where the client reaches the hub.")
    String endpoint;

    @Option(
            names = "--out",
            paramLabel = "FILE",
            description = "Client configuration to write (default NAME.json beside the hub file).")
    Path out;

    @Override
    public Integer call() throws ProvisionException {
        List<Cidr> cidrs = new ArrayList<>();
        for (String s : allowedIps) {
            try {
                cidrs.add(Cidr.parse(s));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--allowed-ips: " + e.getMessage());
            }
        }
        try {
            dev.psk.tunnel.hub.HostPort.parse(endpoint);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--endpoint: " + e.getMessage());
        }
        Path target = out != null ? out : config.toAbsolutePath().resolveSibling(name + ".json");
        HubEnrolment.Enrolled e = HubEnrolment.addClient(config, name, cidrs, target, endpoint);
        spec.commandLine()
                .getOut()
                .println("client " + e.name() + " " + e.fingerprint() + " " + e.allowedIps()
                        + " enrolled; its configuration (secret: move it to the client, mode 0600) is "
                        + e.clientFile());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
