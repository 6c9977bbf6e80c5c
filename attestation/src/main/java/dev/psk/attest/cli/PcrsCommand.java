package dev.psk.attest.cli;

import dev.psk.attest.AttestException;
import dev.psk.attest.quote.Quoter;
import dev.psk.attest.tpm.PcrSelection;
import dev.psk.common.AtomicFiles;
import dev.psk.common.Hex;
import dev.psk.common.cli.VerboseOption;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code psk-attest pcrs}: read PCR values (like tpm2_pcrread). */
@Command(
        name = "pcrs",
        description = {
            "Read PCR values from a TPM.",
            "Prints BANK:INDEX HEX lines; --out also writes the values concatenated in selection order "
                    + "(the format of tpm2_pcrread -o and verify --pcr-values)."
        })
public final class PcrsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    VerboseOption verbose;

    @Mixin
    TpmOption tpm;

    @Option(
            names = {"--pcrs", "-l"},
            defaultValue = "sha256:0-7",
            paramLabel = "SELECTION",
            description = "PCR selection. Default: ${DEFAULT-VALUE}.")
    String pcrs;

    @Option(
            names = {"--out", "-o"},
            paramLabel = "FILE",
            description = "Also write the values, concatenated.")
    Path out;

    @Override
    public Integer call() throws AttestException, IOException {
        PcrSelection sel = Options.selection(pcrs);
        byte[] values = Quoter.readPcrs(tpm.address(), sel);
        PrintWriter w = spec.commandLine().getOut();
        int off = 0;
        for (PcrSelection.Bank b : sel.banks()) {
            for (int i : b.indices()) {
                w.println(b.hash().toolName() + ":" + i + " "
                        + Hex.encode(values, off, b.hash().digestBytes()));
                off += b.hash().digestBytes();
            }
        }
        w.flush();
        if (out != null) {
            AtomicFiles.write(out, values, PosixFilePermissions.fromString("rw-r--r--"));
        }
        return 0;
    }
}
