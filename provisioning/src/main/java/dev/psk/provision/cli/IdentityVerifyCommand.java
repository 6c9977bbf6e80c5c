package dev.psk.provision.cli;

import dev.psk.common.PskException;
import dev.psk.common.cli.ExitCodes;
import dev.psk.common.cli.UsageException;
import dev.psk.common.cli.VerboseOption;
import dev.psk.identity.IdentityId;
import dev.psk.identity.Pem;
import dev.psk.identity.PinnedPeer;
import dev.psk.identity.PinnedPeers;
import dev.psk.identity.SignatureFormat;
import dev.psk.identity.Verifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code psk-provision identity verify (--pub PEM | --peers FILE --id ID) --in FILE --sig SIG}. */
@Command(
        name = "verify",
        description = {
            "Verify a signature by a public key or by a pinned peer.",
            "With --peers, the signer must be an enabled peer of the pinned-peers file."
        },
        footer = {
            "",
            "Examples:",
            "  psk-provision identity verify --pub /etc/psk/site-a.pub.pem \\",
            "    --in msg.bin --sig msg.sig",
            "  psk-provision identity verify --peers peers.conf --id 3f2a9c0d11e4b7a8 \\",
            "    --in msg.bin --sig msg.sig",
            "",
            "Exit codes: 0 valid, 1 rejected (bad signature, unknown or disabled peer) or failure, 2 usage error."
        })
final class IdentityVerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    VerboseOption verbose;

    @Option(names = "--pub", paramLabel = "FILE", description = "The signer's public key (PEM).")
    Path pub;

    @Option(names = "--peers", paramLabel = "FILE", description = "A pinned-peers file.")
    Path peers;

    @Option(names = "--id", paramLabel = "ID", description = "With --peers: the signer's identity_id (16 hex digits).")
    String id;

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "The signed data.")
    Path in;

    @Option(names = "--sig", required = true, paramLabel = "FILE", description = "The signature.")
    Path sig;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "der",
            converter = FormatConverter.class,
            description = "DER (default) or P1363 (r||s).")
    SignatureFormat format;

    @Override
    public Integer call() throws PskException {
        if ((pub == null) == (peers == null) || (peers != null) != (id != null)) {
            throw new UsageException("give either --pub PEM, or --peers FILE with --id ID");
        }
        byte[] data = read(in, "--in");
        byte[] signature = read(sig, "--sig");
        java.io.PrintWriter o = spec.commandLine().getOut();
        if (pub != null) {
            boolean ok;
            try {
                ok = Verifier.verify(Pem.decode(Files.readString(pub)), data, signature, format);
            } catch (IOException e) {
                throw new PskException("--pub " + pub + ": cannot be read: " + dev.psk.common.IoErrors.reason(e));
            } catch (dev.psk.identity.IdentityException e) {
                throw new PskException("--pub " + pub + ": " + e.getMessage());
            }
            o.println(ok ? "valid signature" : "INVALID signature");
            o.flush();
            return ok ? 0 : ExitCodes.FAILURE;
        }
        Optional<PinnedPeer> p =
                new Verifier(PinnedPeers.load(peers)).verify(IdentityId.parse(id), data, signature, format);
        o.println(p.map(x -> "valid signature by pinned peer '" + x.name() + "' (" + x.identityId() + ")")
                .orElse("REJECTED: no enabled pinned peer " + id + " with a matching signature"));
        o.flush();
        return p.isPresent() ? 0 : ExitCodes.FAILURE;
    }

    private static byte[] read(Path p, String what) throws PskException {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new PskException(what + " " + p + ": cannot be read: " + dev.psk.common.IoErrors.reason(e));
        }
    }
}
