package dev.psk.provision.cli;

import dev.psk.common.PskException;
import dev.psk.identity.PinnedPeers;
import java.nio.file.Path;
import picocli.CommandLine.Command;

/** {@code psk-provision pin disable --peers FILE NAME|ID}. */
@Command(
        name = "disable",
        description = "Disable a pinned peer (by name or identity_id) without removing it.",
        footer = {
            "",
            "Example:",
            "  psk-provision pin disable --peers /etc/psk/peers.conf site-b",
            "",
            "Exit codes: 0 done, 1 failure (no such peer), 2 usage error."
        })
final class PinDisableCommand extends PinEditCommand {
    @Override
    PinnedPeers edit(PinnedPeers current, String peer) throws PskException {
        return current.withEnabled(peer, false);
    }

    @Override
    String done(String peer, Path file) {
        return "disabled '" + peer + "' in " + file;
    }
}
