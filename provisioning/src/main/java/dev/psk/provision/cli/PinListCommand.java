package dev.psk.provision.cli;

import dev.psk.common.PskException;
import dev.psk.common.cli.VerboseOption;
import dev.psk.identity.PinnedPeer;
import dev.psk.identity.PinnedPeers;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/** {@code psk-provision pin list --peers FILE}. */
@Command(
        name = "list",
        description = {
            "List pinned peers: name, identity_id, enabled.",
            "The whole file is validated; an error names the entry."
        },
        footer = {
            "",
            "Example:",
            "  psk-provision pin list --peers /etc/psk/peers.conf",
            "",
            "Exit codes: 0 listed, 1 failure (missing or malformed file, naming the entry), 2 usage error."
        })
final class PinListCommand implements Callable<Integer> {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Spec
    CommandSpec spec;

    @Mixin
    VerboseOption verbose;

    @Option(names = "--peers", required = true, paramLabel = "FILE", description = "The pinned-peers file.")
    Path peers;

    @Option(names = "--json", description = "Print a JSON array of {name, identity_id, enabled} instead of a table.")
    boolean json;

    @Override
    public Integer call() throws PskException {
        PinnedPeers p = PinnedPeers.load(peers);
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            ArrayNode a = JSON.createArrayNode();
            for (PinnedPeer x : p.peers()) {
                a.addObject()
                        .put("name", x.name())
                        .put("identity_id", x.identityId().hex())
                        .put("enabled", x.enabled());
            }
            o.println(JSON.writeValueAsString(a));
            o.flush();
            return 0;
        }
        o.printf("%-24s %-16s %s%n", "NAME", "IDENTITY_ID", "ENABLED");
        for (PinnedPeer x : p.peers()) {
            o.printf("%-24s %-16s %s%n", x.name(), x.identityId(), x.enabled() ? "yes" : "no");
        }
        o.flush();
        return 0;
    }
}
