package dev.psk.provision.cli;

import dev.psk.common.PskException;
import dev.psk.identity.PinnedPeers;
import java.nio.file.Path;
import picocli.CommandLine.Command;

/** {@code psk-provision pin remove --peers FILE NAME|ID}. */
@Command(
        name = "remove",
        description = "Unpin a peer (by name or identity_id): it is no longer accepted.",
        footer = {
            "",
            "Example:",
            "  psk-provision pin remove --peers /etc/psk/peers.conf site-c",
            "",
            "Exit codes: 0 removed, 1 failure (no such peer), 2 usage error."
        })
final class PinRemoveCommand extends PinEditCommand {
    @Override
    PinnedPeers edit(PinnedPeers current, String peer) throws PskException {
        return current.without(peer);
    }

    @Override
    String done(String peer, Path file) {
        return "removed '" + peer + "' from " + file;
    }
}
