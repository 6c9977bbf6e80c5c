package dev.psk.provision.cli;

import dev.psk.common.PskException;
import dev.psk.common.cli.UsageException;
import dev.psk.common.cli.VerboseOption;
import dev.psk.identity.IdentityException;
import dev.psk.identity.Pem;
import dev.psk.identity.PinnedPeer;
import dev.psk.identity.PinnedPeers;
import dev.psk.provision.IdentityFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code psk-provision pin add --peers FILE --name NAME (--pem PEM | --identity-file JSON) [--id ID] [--disabled]}. */
@Command(
        name = "add",
        description = {
            "Pin a peer's identity key from its exported PEM or identity file.",
            "With --id, the identity_id you were told out of band must match the key (guards against a swapped"
                    + " file)."
        },
        footer = {
            "",
            "Examples:",
            "  psk-provision pin add --peers /etc/psk/peers.conf --name site-b \\",
            "    --identity-file site-b.identity.json",
            "  psk-provision pin add --peers /etc/psk/peers.conf --name site-c \\",
            "    --pem site-c.pub.pem --id 3f2a9c0d11e4b7a8",
            "",
            "Exit codes: 0 pinned, 1 failure (duplicate, id mismatch, bad file), 2 usage error."
        })
final class PinAddCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    VerboseOption verbose;

    @Option(
            names = "--peers",
            required = true,
            paramLabel = "FILE",
            description = "The pinned-peers file (created if missing).")
    Path peers;

    @Option(names = "--name", paramLabel = "NAME", description = "Peer name (default: the identity file's label).")
    String name;

    @Option(names = "--pem", paramLabel = "FILE", description = "The peer's public key (NAME.pub.pem).")
    Path pem;

    @Option(names = "--identity-file", paramLabel = "FILE", description = "The peer's NAME.identity.json.")
    Path identityFile;

    @Option(names = "--id", paramLabel = "ID", description = "Expected identity_id (16 hex digits).")
    String id;

    @Option(names = "--disabled", description = "Pin it disabled (not accepted until 'pin enable').")
    boolean disabled;

    @Override
    public Integer call() throws PskException {
        if ((pem == null) == (identityFile == null)) {
            throw new UsageException("give exactly one of --pem or --identity-file");
        }
        ECPublicKey key;
        String peerName = name;
        if (identityFile != null) {
            IdentityFile f = IdentityFile.read(identityFile);
            key = f.publicKey();
            peerName = peerName == null ? f.label() : peerName;
        } else {
            try {
                key = Pem.decode(Files.readString(pem));
            } catch (IOException e) {
                throw new PskException("--pem " + pem + ": cannot be read: " + dev.psk.common.IoErrors.reason(e));
            } catch (IdentityException e) {
                throw new PskException("--pem " + pem + ": " + e.getMessage());
            }
        }
        if (peerName == null) {
            throw new UsageException("--name is required with --pem");
        }
        PinnedPeer peer =
                PinnedPeer.create(peerName, id == null ? null : dev.psk.identity.IdentityId.parse(id), key, !disabled);
        PinnedPeers updated = PinnedPeers.loadOrEmpty(peers).with(peer);
        try {
            updated.save(peers);
        } catch (IOException e) {
            throw new PskException("peers file " + peers + ": cannot be written: " + dev.psk.common.IoErrors.reason(e));
        }
        spec.commandLine()
                .getOut()
                .println("pinned '" + peer.name() + "' identity_id " + peer.identityId()
                        + (peer.enabled() ? "" : " (disabled)") + " in " + peers);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
