package dev.psk.attest.cli;

import dev.psk.attest.AttestException;
import dev.psk.attest.enrol.Enroller;
import dev.psk.attest.enrol.EnrolmentCodec;
import dev.psk.attest.enrol.EnrolmentRequest;
import dev.psk.common.AtomicFiles;
import dev.psk.common.Hex;
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

/** {@code psk-attest enroll}: on the device, write an enrolment request (EK certificate, EK, AK). */
@Command(
        name = "enroll",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Enrolment 1, device: write a request for the verifier.",
            "The request holds the TPM's EK certificate (from its NV index), the EK (re-derived from the standard "
                    + "template) and the AK's public area and Name.",
            "Send it to the verifier (psk-attest enroll-challenge)."
        },
        footer = {
            "",
            "Example:",
            "  psk-attest enroll --tpm device:/dev/tpmrm0 --ek-alg rsa --out request.json",
            "",
            "Exit codes: 0 success/ACCEPT, 1 failure/REJECT, 2 usage error."
        })
public final class EnrollCommand implements Callable<Integer> {
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
            names = {"--out", "-o"},
            required = true,
            paramLabel = "FILE",
            description = "Where to write the request (JSON).")
    Path out;

    @Override
    public Integer call() throws AttestException, IOException {
        EnrolmentRequest r = Enroller.request(tpm.address(), ek.template(), ak.akSource());
        AtomicFiles.write(out, EnrolmentCodec.encodeRequest(r), PosixFilePermissions.fromString("rw-r--r--"));
        spec.commandLine()
                .getOut()
                .println("enrolment request for AK " + Hex.encode(r.akName()) + " with the "
                        + ek.template().optionName() + " EK written to " + out);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
