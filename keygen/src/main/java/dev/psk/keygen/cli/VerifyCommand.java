package dev.psk.keygen.cli;

import dev.psk.common.IoErrors;
import dev.psk.common.PskException;
import dev.psk.common.cli.VerboseOption;
import dev.psk.keygen.PadVerifier;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code psk-keygen verify PAD}. */
@Command(
        name = "verify",
        description = {
            "Check a pad against its PAD.sha256 checksum sidecar.",
            "The sidecar (sha256sum format) must name this pad, the size must be whole 120-byte slots, and the"
                    + " SHA-256 must match. Run it on both ends before first use: psk-tunnel erases used slots,"
                    + " which changes the hash."
        },
        footer = {
            "",
            "Example (on both ends, before first use):",
            "  psk-keygen verify /mnt/secure/psk.bin",
            "",
            "Exit codes: 0 the pad matches, 1 rejected (missing sidecar, mismatch, partial slot, sidecar for another file), 2 usage error."
        })
public final class VerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    VerboseOption verbose;

    @Parameters(index = "0", paramLabel = "PAD", description = "The pad to check; its sidecar is PAD.sha256.")
    Path pad;

    @Override
    public Integer call() throws PskException {
        PadVerifier.Verified v;
        try {
            v = PadVerifier.verify(pad);
        } catch (IOException e) {
            throw new PskException("cannot read " + pad + ": " + IoErrors.reason(e), e);
        }
        spec.commandLine()
                .getOut()
                .println(pad + ": OK (" + Format.count(v.slots()) + " slots, sha256 matches " + pad.getFileName()
                        + ".sha256)");
        return 0;
    }
}
