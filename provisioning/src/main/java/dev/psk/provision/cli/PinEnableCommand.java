package dev.psk.provision.cli;

import dev.psk.common.PskException;
import dev.psk.common.cli.VerboseOption;
import dev.psk.identity.PinnedPeers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code psk-provision pin enable --peers FILE NAME|ID}. */
@Command(name = "enable", mixinStandardHelpOptions = true, versionProvider = dev.psk.common.cli.VersionProvider.class,
        description = "Enable a pinned peer (by name or identity_id) without removing it.",
        footer = {"", "Example:", "  psk-provision pin enable --peers /etc/psk/peers.conf site-b",
            "", "Exit codes: 0 done, 1 failure (no such peer), 2 usage error."})
final class PinEnableCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    VerboseOption verbose;

    @Option(names = "--peers", required = true, paramLabel = "FILE", description = "The pinned-peers file.")
    Path peers;

    @Parameters(paramLabel = "NAME|ID", description = "Peer name or identity_id.")
    String peer;

    @Override
    public Integer call() throws PskException {
        PinnedPeers updated = PinnedPeers.load(peers).withEnabled(peer, true);
        try {
            updated.save(peers);
        } catch (IOException e) {
            throw new PskException("peers file " + peers + ": cannot be written (" + e.getMessage() + ")");
        }
        spec.commandLine().getOut().println("enabled '" + peer + "' in " + peers);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
