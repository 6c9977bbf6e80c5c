package dev.psk.provision.cli;

import dev.psk.common.PskException;
import dev.psk.common.cli.VerboseOption;
import dev.psk.identity.SignatureFormat;
import dev.psk.identity.pkcs11.Pkcs11Uri;
import dev.psk.identity.pkcs11.TokenSigner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code psk-provision identity sign --key URI --in FILE --out SIG}. */
@Command(
        name = "sign",
        description = {
            "Sign a file with an identity key on its token, e.g. to test it.",
            "ECDSA P-256 with SHA-256; the signature is DER or P1363 (--format)."
        },
        footer = {
            "",
            "Example:",
            "  psk-provision identity sign \\",
            "    --key \"$(jq -r .key_uri /etc/psk/site-a.identity.json)\" \\",
            "    --pin-file user.pin --in msg.bin --out msg.sig",
            "",
            "Exit codes: 0 signed, 1 failure, 2 usage error."
        })
final class IdentitySignCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    VerboseOption verbose;

    @Mixin
    PinOptions pins;

    @Option(
            names = "--key",
            required = true,
            paramLabel = "URI",
            converter = UriConverter.class,
            description = "PKCS#11 URI of the key (object= and/or id=).")
    Pkcs11Uri key;

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "The data to sign.")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the signature.")
    Path out;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "der",
            converter = FormatConverter.class,
            description = "DER (default) or P1363 (r||s).")
    SignatureFormat format;

    @Override
    public Integer call() throws PskException {
        byte[] data;
        try {
            data = Files.readAllBytes(in);
        } catch (IOException e) {
            throw new PskException("--in " + in + ": cannot be read: " + dev.psk.common.IoErrors.reason(e));
        }
        try (TokenSigner s =
                TokenSigner.open(key, pins.source(key, spec.commandLine().getErr()))) {
            byte[] sig = s.sign(data, format);
            try {
                dev.psk.common.AtomicFiles.write(
                        out, sig, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            } catch (IOException e) {
                throw new PskException("--out " + out + ": cannot be written: " + dev.psk.common.IoErrors.reason(e));
            }
            spec.commandLine().getOut().println("signed " + in + " with identity_id " + s.identityId() + " -> " + out);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
