package dev.psk.attest.cli;

import dev.psk.attest.AttestException;
import dev.psk.attest.TpmFormatException;
import dev.psk.attest.eventlog.EventLog;
import dev.psk.attest.eventlog.EventLogReplay;
import dev.psk.attest.policy.PcrPolicy;
import dev.psk.attest.quote.Quoter;
import dev.psk.attest.tpm.HashAlg;
import dev.psk.attest.tpm.PcrSelection;
import dev.psk.common.AtomicFiles;
import dev.psk.common.cli.UsageException;
import dev.psk.common.cli.VerboseOption;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code psk-attest policy}: write a golden-value policy from a known-good TPM or event log. */
@Command(
        name = "policy",
        description = {
            "Write a golden-value PCR policy from a TPM or an event log.",
            "The policy is JSON (see docs/attestation.md).",
            "Takes the current PCRs of a known-good machine (--tpm) or replays its TCG event log (--eventlog). "
                    + "Review the result before pinning it: see docs/attestation.md."
        },
        footer = {
            "",
            "Example:",
            "  psk-attest policy --tpm device:/dev/tpmrm0 --pcrs sha256:0-7 --out golden.json",
            "",
            "Exit codes: 0 success/ACCEPT, 1 failure/REJECT, 2 usage error."
        })
public final class PolicyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    VerboseOption verbose;

    static final class Source {
        @Option(names = "--tpm", paramLabel = "ADDRESS", description = "Read the current PCRs of this TPM.")
        String tpm;

        @Option(names = "--eventlog", paramLabel = "FILE", description = "Replay this crypto-agile event log.")
        Path eventLog;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(
            names = {"--pcrs", "-l"},
            defaultValue = "sha256:0-7",
            paramLabel = "SELECTION",
            description = "PCRs to pin. Default: ${DEFAULT-VALUE}.")
    String pcrs;

    @Option(names = "--description", paramLabel = "TEXT", description = "Free text stored in the policy.")
    String description;

    @Option(
            names = {"--out", "-o"},
            paramLabel = "FILE",
            description = "Write here instead of standard output.")
    Path out;

    @Override
    public Integer call() throws AttestException, IOException {
        PcrSelection sel = Options.selection(pcrs);
        Map<HashAlg, Map<Integer, byte[]>> values = new EnumMap<>(HashAlg.class);
        if (source.tpm != null) {
            TpmOption t = new TpmOption();
            t.tpm = source.tpm;
            byte[] all = Quoter.readPcrs(t.address(), sel);
            int off = 0;
            for (PcrSelection.Bank b : sel.banks()) {
                Map<Integer, byte[]> m = values.computeIfAbsent(b.hash(), h -> new TreeMap<>());
                for (int i : b.indices()) {
                    m.put(i, Arrays.copyOfRange(all, off, off + b.hash().digestBytes()));
                    off += b.hash().digestBytes();
                }
            }
        } else {
            EventLog log;
            try {
                log = EventLog.parse(InputFiles.read(source.eventLog, "--eventlog"));
            } catch (TpmFormatException e) {
                throw new UsageException("--eventlog " + source.eventLog + ": " + e.getMessage());
            }
            for (PcrSelection.Bank b : sel.banks()) {
                byte[][] replayed = EventLogReplay.replay(log, b.hash());
                Map<Integer, byte[]> m = values.computeIfAbsent(b.hash(), h -> new TreeMap<>());
                for (int i : b.indices()) {
                    m.put(i, replayed[i]);
                }
            }
        }
        String json = PcrPolicy.of(description, values).toJson();
        if (out == null) {
            spec.commandLine().getOut().print(json);
            spec.commandLine().getOut().flush();
        } else {
            AtomicFiles.write(out, json.getBytes(StandardCharsets.UTF_8), PosixFilePermissions.fromString("rw-r--r--"));
        }
        return 0;
    }
}
