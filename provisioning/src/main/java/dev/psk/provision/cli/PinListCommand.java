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

/** {@code psk-provision pin list --peers FILE}. */
@Command(
        name = "list",
        description = "List pinned peers: name, identity_id, enabled. Validates the whole file.",
        footer = {
            "",
            "Example:",
            "  psk-provision pin list --peers /etc/psk/peers.conf",
            "",
            "Exit codes: 0 listed, 1 failure (missing or malformed file, naming the entry), 2 usage error."
        })
final class PinListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    VerboseOption verbose;

    @Option(names = "--peers", required = true, paramLabel = "FILE", description = "The pinned-peers file.")
    Path peers;

    @Override
    public Integer call() throws PskException {
        PinnedPeers p = PinnedPeers.load(peers);
        PrintWriter o = spec.commandLine().getOut();
        o.printf("%-24s %-16s %s%n", "NAME", "IDENTITY_ID", "ENABLED");
        for (PinnedPeer x : p.peers()) {
            o.printf("%-24s %-16s %s%n", x.name(), x.identityId(), x.enabled() ? "yes" : "no");
        }
        o.flush();
        return 0;
    }
}
