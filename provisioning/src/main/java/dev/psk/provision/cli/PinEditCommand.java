package dev.psk.provision.cli;

import dev.psk.common.PskException;
import dev.psk.common.cli.VerboseOption;
import dev.psk.identity.PinnedPeers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Shared shape of {@code pin remove|enable|disable --peers FILE NAME|ID}: load the pinned-peers
 * file, apply one edit to the named peer, write the file atomically, report what was done.
 */
abstract class PinEditCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    VerboseOption verbose;

    @Option(names = "--peers", required = true, paramLabel = "FILE", description = "The pinned-peers file.")
    Path peers;

    @Parameters(paramLabel = "NAME|ID", description = "Peer name or identity_id.")
    String peer;

    /** The edited peer set; throws when {@code peer} names no entry. */
    abstract PinnedPeers edit(PinnedPeers current, String peer) throws PskException;

    /** What was done, e.g. "disabled 'site-b' in FILE". */
    abstract String done(String peer, Path file);

    @Override
    public final Integer call() throws PskException {
        PinnedPeers updated = edit(PinnedPeers.load(peers), peer);
        try {
            updated.save(peers);
        } catch (IOException e) {
            throw new PskException("peers file " + peers + ": cannot be written: " + dev.psk.common.IoErrors.reason(e));
        }
        spec.commandLine().getOut().println(done(peer, peers));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
