package dev.psk.attest.cli;

import dev.psk.attest.AttestException;
import dev.psk.attest.TpmFormatException;
import dev.psk.attest.enrol.Enroller;
import dev.psk.attest.enrol.EnrolmentAnswer;
import dev.psk.attest.enrol.EnrolmentChallenge;
import dev.psk.attest.enrol.EnrolmentCodec;
import dev.psk.common.AtomicFiles;
import dev.psk.common.cli.VerboseOption;
import dev.psk.common.cli.VersionProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code psk-attest enroll-respond}: on the device, activate the verifier's credential and write the answer. */
@Command(
        name = "enroll-respond",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Enrolment 3, device: answer the challenge with the TPM.",
            "Activates the challenge's credential in the TPM (TPM2_ActivateCredential with "
                    + "the EK and the AK of step 1) and writes the answer for psk-attest enroll-finish.",
            "Use the same --ek-alg and AK options as for psk-attest enroll. Exit 1 when the TPM refuses the credential."
        },
        footer = {
            "",
            "Example:",
            "  psk-attest enroll-respond --tpm device:/dev/tpmrm0 --ek-alg rsa \\",
            "      --challenge challenge.json --out answer.json",
            "",
            "Exit codes: 0 success/ACCEPT, 1 failure/REJECT, 2 usage error."
        })
public final class EnrollRespondCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    VerboseOption verbose;

    @Mixin
    TpmOption tpm;

    @Mixin
    EkOption ek;

    @Mixin
    AkOptions ak;

    @Option(
            names = {"--challenge", "-c"},
            required = true,
            paramLabel = "FILE",
            description = "The challenge from psk-attest enroll-challenge.")
    Path challenge;

    @Option(
            names = {"--out", "-o"},
            required = true,
            paramLabel = "FILE",
            description = "Where to write the answer (JSON).")
    Path out;

    @Override
    public Integer call() throws AttestException, IOException {
        EnrolmentChallenge c;
        try {
            c = EnrolmentCodec.decodeChallenge(InputFiles.read(challenge, "--challenge"));
        } catch (TpmFormatException e) {
            throw new AttestException("--challenge " + challenge + ": " + e.getMessage());
        }
        EnrolmentAnswer a = Enroller.respond(tpm.address(), ek.template(), ak.akSource(), c);
        AtomicFiles.write(out, EnrolmentCodec.encodeAnswer(a), PosixFilePermissions.fromString("rw-r--r--"));
        spec.commandLine()
                .getOut()
                .println("credential activated; answer to challenge " + c.id() + " written to " + out);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
