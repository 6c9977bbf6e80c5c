package dev.psk.attest.cli;

import dev.psk.attest.AttestException;
import dev.psk.attest.TpmFormatException;
import dev.psk.attest.enrol.AkRecord;
import dev.psk.attest.enrol.ChallengeStore;
import dev.psk.attest.enrol.EnrolmentAnswer;
import dev.psk.attest.enrol.EnrolmentCodec;
import dev.psk.attest.enrol.EnrolmentException;
import dev.psk.attest.enrol.EnrolmentVerifier;
import dev.psk.common.AtomicFiles;
import dev.psk.common.Hex;
import dev.psk.common.cli.VerboseOption;
import dev.psk.common.cli.VersionProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code psk-attest enroll-finish}: on the verifier, check the answer and only then write the pinned AK record. */
@Command(
        name = "enroll-finish",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Enrolment 4, verifier: check the answer and pin the AK.",
            "The answer is checked against the pending challenge (each challenge is "
                    + "answerable once, before its deadline); only then is the pinned AK record written, which verify "
                    + "--ak and the tunnel's --peer-ak accept.",
            "Prints ACCEPT: <AK name> or REJECT: <check>: <detail> with exit 1."
        },
        footer = {
            "",
            "Example:",
            "  psk-attest enroll-finish --answer answer.json --state /var/lib/psk/enrol \\",
            "      --out site-a-ak.json",
            "",
            "Exit codes: 0 success/ACCEPT, 1 failure/REJECT, 2 usage error."
        })
public final class EnrollFinishCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    VerboseOption verbose;

    @Option(
            names = {"--answer", "-a"},
            required = true,
            paramLabel = "FILE",
            description = "The answer from psk-attest enroll-respond.")
    Path answer;

    @Option(
            names = "--state",
            required = true,
            paramLabel = "DIR",
            description = "The --state directory given to enroll-challenge.")
    Path state;

    @Option(
            names = {"--out", "-o"},
            required = true,
            paramLabel = "FILE",
            description = "Where to write the pinned AK record (JSON).")
    Path out;

    @Override
    public Integer call() throws AttestException, IOException {
        var w = spec.commandLine().getOut();
        EnrolmentAnswer a;
        try {
            a = EnrolmentCodec.decodeAnswer(InputFiles.read(answer, "--answer"));
        } catch (TpmFormatException e) {
            w.println("REJECT: answer: " + e.getMessage());
            w.flush();
            return 1;
        }
        EnrolmentVerifier v = EnrolmentVerifier.forFinishing(new ChallengeStore(state), Clock.systemUTC());
        AkRecord r;
        try {
            r = v.finish(a);
        } catch (EnrolmentException e) {
            w.println("REJECT: " + e.getMessage());
            w.flush();
            return 1;
        }
        AtomicFiles.write(out, EnrolmentCodec.encodeRecord(r), PosixFilePermissions.fromString("rw-r--r--"));
        w.println("ACCEPT: AK " + Hex.encode(r.akPublic().name()) + " pinned in " + out + " (TPM " + r.tpmManufacturer()
                + " " + r.tpmModel() + ")");
        w.flush();
        return 0;
    }
}
