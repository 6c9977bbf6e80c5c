package dev.psk.provision.cli.hub;

import dev.psk.common.cli.VerboseOption;
import dev.psk.common.cli.VersionProvider;
import dev.psk.provision.ProvisionException;
import dev.psk.provision.hub.HubEnrolment;
import dev.psk.tunnel.hub.AllowedClient;
import dev.psk.tunnel.hub.Cidr;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code psk-provision hub list}: names, key fingerprints, addresses, state. Never a key or PSK. */
@Command(
        name = "list",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description =
                "List the hub's clients: name, key fingerprint, AllowedIPs, enabled or revoked. Validates the file.",
        footer = {
            "",
            "Example:",
            "  psk-provision hub list --config /etc/psk/hub.json",
            "",
            "Exit codes: 0 listed, 1 failure (missing or invalid file, naming the field), 2 usage error."
        })
final class HubListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    VerboseOption verbose;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The hub configuration.")
    Path config;

    @Override
    public Integer call() throws ProvisionException {
        PrintWriter o = spec.commandLine().getOut();
        // read and validate first: an error must not follow a printed table header
        java.util.List<AllowedClient> clients = HubEnrolment.list(config);
        o.printf("%-24s %-16s %-8s %s%n", "NAME", "FINGERPRINT", "STATE", "ALLOWED-IPS");
        for (AllowedClient c : clients) {
            o.printf(
                    "%-24s %-16s %-8s %s%n",
                    c.name(),
                    c.fingerprint(),
                    c.enabled() ? "enabled" : "revoked",
                    c.allowedIps().stream().map(Cidr::toString).collect(Collectors.joining(",")));
        }
        o.flush();
        return 0;
    }
}
