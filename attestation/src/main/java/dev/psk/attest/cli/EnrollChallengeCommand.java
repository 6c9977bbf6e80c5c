package dev.psk.attest.cli;

import dev.psk.attest.AttestException;
import dev.psk.attest.TpmFormatException;
import dev.psk.attest.enrol.ChallengeStore;
import dev.psk.attest.enrol.EkTrust;
import dev.psk.attest.enrol.EnrolmentChallenge;
import dev.psk.attest.enrol.EnrolmentCodec;
import dev.psk.attest.enrol.EnrolmentException;
import dev.psk.attest.enrol.EnrolmentRequest;
import dev.psk.attest.enrol.EnrolmentVerifier;
import dev.psk.common.AtomicFiles;
import dev.psk.common.Hex;
import dev.psk.common.cli.UsageException;
import dev.psk.common.cli.VerboseOption;
import dev.psk.common.cli.VersionProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code psk-attest enroll-challenge}: on the verifier, check a request and answer with a credential. */
@Command(
        name = "enroll-challenge",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Enrolment 2, verifier: check a request, write a challenge.",
            "No TPM is needed. The request is checked: the EK certificate chains to a root in "
                    + "--ek-roots, is valid now, has EK key usage and certifies the EK presented; the AK is fixedTPM, "
                    + "fixedParent, sensitiveDataOrigin, restricted, sign — then write a challenge: a credential "
                    + "(TPM2_MakeCredential, done in software) only that TPM can activate for that AK.",
            "Prints the challenge id, or REJECT: <check>: <detail> with exit 1."
        },
        footer = {
            "",
            "Example:",
            "  psk-attest enroll-challenge --request request.json \\",
            "      --ek-roots /etc/psk/ek-roots --state /var/lib/psk/enrol \\",
            "      --out challenge.json",
            "",
            "Exit codes: 0 success/ACCEPT, 1 failure/REJECT, 2 usage error."
        })
public final class EnrollChallengeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    VerboseOption verbose;

    @Option(
            names = {"--request", "-r"},
            required = true,
            paramLabel = "FILE",
            description = "The request from psk-attest enroll.")
    Path request;

    @Option(
            names = "--ek-roots",
            required = true,
            paramLabel = "DIR",
            description = "Directory of trusted EK CA certificates (PEM or DER; self-signed ones are roots, the others "
                    + "intermediates).")
    Path roots;

    @Option(
            names = "--state",
            required = true,
            paramLabel = "DIR",
            description = "Directory for pending challenges (created 0700; give enroll-finish the same).")
    Path state;

    @Option(
            names = {"--out", "-o"},
            required = true,
            paramLabel = "FILE",
            description = "Where to write the challenge (JSON).")
    Path out;

    @Option(
            names = "--tpm2-credential",
            paramLabel = "FILE",
            description = "Also write the credential in tpm2-tools' format (for tpm2_activatecredential -i).")
    Path toolsOut;

    @Option(
            names = "--ttl",
            paramLabel = "SECONDS",
            defaultValue = "600",
            description = "How long the challenge stays answerable. Default: ${DEFAULT-VALUE}.")
    long ttlSeconds;

    @Override
    public Integer call() throws AttestException, IOException {
        if (ttlSeconds <= 0) {
            throw new UsageException("--ttl: must be positive, got " + ttlSeconds);
        }
        EkTrust trust;
        try {
            trust = EkTrust.load(roots);
        } catch (AttestException e) {
            throw new UsageException("--ek-roots: " + e.getMessage());
        }
        var err = spec.commandLine().getOut();
        EnrolmentRequest r;
        try {
            r = EnrolmentCodec.decodeRequest(InputFiles.read(request, "--request"));
        } catch (TpmFormatException e) {
            err.println("REJECT: request: " + e.getMessage());
            err.flush();
            return 1;
        }
        EnrolmentVerifier v = new EnrolmentVerifier(
                trust, new ChallengeStore(state), Clock.systemUTC(), Duration.ofSeconds(ttlSeconds));
        EnrolmentChallenge c;
        try {
            c = v.challenge(r);
        } catch (EnrolmentException e) {
            err.println("REJECT: " + e.getMessage());
            err.flush();
            return 1;
        }
        var mode = PosixFilePermissions.fromString("rw-r--r--");
        AtomicFiles.write(out, EnrolmentCodec.encodeChallenge(c), mode);
        if (toolsOut != null) {
            AtomicFiles.write(toolsOut, c.credential().toToolsFile(), mode);
        }
        err.println("challenge " + c.id() + " for AK " + Hex.encode(r.akName()) + " written to " + out);
        err.flush();
        return 0;
    }
}
