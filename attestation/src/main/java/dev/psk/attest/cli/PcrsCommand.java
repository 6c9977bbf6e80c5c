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
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** {@code psk-attest pcrs}: read PCR values (like tpm2_pcrread). */
@Command(
        name = "pcrs",
        description = {
            "Read PCR values from a TPM.",
            "Prints BANK:INDEX HEX lines; --out also writes the values concatenated in selection order "
                    + "(the format of tpm2_pcrread -o and verify --pcr-values)."
        },
        footer = {
            "",
            "Examples:",
            "  psk-attest pcrs --pcrs sha256:0-7",
            "  psk-attest pcrs --tpm swtpm:host=127.0.0.1,port=2321 --json",
            "",
            "Exit codes: 0 success/ACCEPT, 1 failure/REJECT, 2 usage error."
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

    @Option(
            names = "--json",
            description = "Print one JSON object, bank to index to hex value (as tpm2_pcrread's YAML).")
    boolean json;

    @Override
    public Integer call() throws AttestException, IOException {
        PcrSelection sel = Options.selection(pcrs);
        byte[] values = Quoter.readPcrs(tpm.address(), sel);
        PrintWriter w = spec.commandLine().getOut();
        ObjectNode doc = JsonMapper.builder().build().createObjectNode();
        int off = 0;
        for (PcrSelection.Bank b : sel.banks()) {
            ObjectNode bank = doc.putObject(b.hash().toolName());
            for (int i : b.indices()) {
                String hex = Hex.encode(values, off, b.hash().digestBytes());
                bank.put(Integer.toString(i), hex);
                if (!json) {
                    w.println(b.hash().toolName() + ":" + i + " " + hex);
                }
                off += b.hash().digestBytes();
            }
        }
        if (json) {
            w.println(doc.toString());
        }
        w.flush();
        if (out != null) {
            AtomicFiles.write(out, values, PosixFilePermissions.fromString("rw-r--r--"));
        }
        return 0;
    }
}
