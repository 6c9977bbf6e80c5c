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
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code psk-provision hub list}: names, key fingerprints, addresses, state. Never a key or PSK. */
@Command(
        name = "list",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "List the hub's clients and whether each is enabled.",
            "Shows name, key fingerprint, AllowedIPs and enabled or revoked; the whole file is validated."
        },
        footer = {
            "",
            "Example:",
            "  psk-provision hub list --config /etc/psk/hub.json",
            "  psk-provision hub list --config /etc/psk/hub.json --json",
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

    @Option(
            names = "--json",
            description = "Print a JSON array of {name, fingerprint, enabled, allowed_ips} instead of a table.")
    boolean json;

    @Override
    public Integer call() throws ProvisionException {
        PrintWriter o = spec.commandLine().getOut();
        // read and validate first: an error must not follow a printed table header
        java.util.List<AllowedClient> clients = HubEnrolment.list(config);
        if (json) {
            ArrayNode all = JsonMapper.builder().build().createArrayNode();
            for (AllowedClient c : clients) {
                ObjectNode n = all.addObject();
                n.put("name", c.name());
                n.put("fingerprint", c.fingerprint());
                n.put("enabled", c.enabled());
                ArrayNode ips = n.putArray("allowed_ips");
                c.allowedIps().forEach(ip -> ips.add(ip.toString()));
            }
            o.println(all.toString());
            o.flush();
            return 0;
        }
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
