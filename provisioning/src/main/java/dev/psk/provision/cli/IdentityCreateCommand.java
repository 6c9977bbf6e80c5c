package dev.psk.provision.cli;

import dev.psk.common.PskException;
import dev.psk.common.cli.VerboseOption;
import dev.psk.identity.pkcs11.Pkcs11Token;
import dev.psk.identity.pkcs11.Pkcs11Uri;
import dev.psk.provision.IdentityProvisioner;
import dev.psk.provision.KeyProfile;
import dev.psk.provision.KeyType;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code psk-provision identity create --token URI --label NAME --out DIR}. */
@Command(
        name = "create",
        description = {
            "Generate an EC P-256 identity key in a token; export its public half.",
            "The key is CKA_TOKEN, CKA_PRIVATE, CKA_SENSITIVE, CKA_SIGN and not CKA_EXTRACTABLE; its attributes are"
                    + " read back and anything exportable is refused. Then DIR/NAME.pub.pem and"
                    + " DIR/NAME.identity.json are written and the identity_id printed."
        },
        footer = {
            "",
            "Examples:",
            "  psk-provision identity create \\",
            "    --token 'pkcs11:token=device?module-path=/usr/lib/softhsm/libsofthsm2.so' \\",
            "    --pin-file user.pin --label site-a --out-dir /etc/psk",
            "  # ATECC608A: the next free slot of 2, 3, 4",
            "  psk-provision identity create --profile atecc608a \\",
            "    --token 'pkcs11:token=ATECC608A?module-name=cryptoauth' \\",
            "    --pin-file user.pin --out-dir /etc/psk",
            "",
            "Exit codes: 0 created, 1 failure or refusal (label taken, files exist, unsafe attributes), 2 usage error."
        })
final class IdentityCreateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    VerboseOption verbose;

    @Mixin
    PinOptions pins;

    @Option(
            names = "--token",
            required = true,
            paramLabel = "URI",
            converter = UriConverter.class,
            description = "PKCS#11 URI of the token, e.g. pkcs11:token=LABEL?module-path=MODULE.so.")
    Pkcs11Uri token;

    @Option(
            names = "--label",
            paramLabel = "NAME",
            description =
                    "Key label on the token and base name of the files (atecc608a: fixed by slot, may be omitted).")
    String label;

    @Option(
            names = "--out-dir",
            paramLabel = "DIR",
            description = "Directory for NAME.pub.pem and NAME.identity.json. Required.")
    Path out;

    /** The old spelling: {@code --out} means a file everywhere else, so it is hidden here. */
    @Option(names = "--out", hidden = true, paramLabel = "DIR")
    void legacyOut(Path dir) {
        out = dir;
    }

    @Option(
            names = "--profile",
            paramLabel = "PROFILE",
            defaultValue = "generic",
            description = "generic (default) or atecc608a.")
    String profile;

    @Option(
            names = "--key-type",
            paramLabel = "TYPE",
            defaultValue = "ec-p256",
            description = "ec-p256 (the only one generated).")
    String keyType;

    @Option(
            names = "--slot",
            paramLabel = "N",
            description = "atecc608a: the chip slot (2, 3 or 4); default the first free one.")
    Integer slot;

    @Override
    public Integer call() throws PskException {
        if (out == null) {
            throw new dev.psk.common.cli.UsageException("Missing required option: '--out-dir=DIR'");
        }
        KeyProfile p = parse(() -> KeyProfile.parse(profile));
        KeyType t = parse(() -> KeyType.parse(keyType));
        p.checkKeyType(t);
        if (p == KeyProfile.GENERIC && label == null) {
            throw new dev.psk.common.cli.UsageException("--label is required (except with --profile atecc608a)");
        }
        PrintWriter err = spec.commandLine().getErr();
        try (Pkcs11Token tok = Pkcs11Token.open(token, pins.source(token, err))) {
            IdentityProvisioner.Result r = new IdentityProvisioner(Clock.systemUTC())
                    .create(
                            tok,
                            new IdentityProvisioner.Request(
                                    token,
                                    label,
                                    out,
                                    p,
                                    t,
                                    slot == null ? OptionalInt.empty() : OptionalInt.of(slot)));
            PrintWriter o = spec.commandLine().getOut();
            o.println("created key '" + r.identity().label() + "' on token "
                    + tok.info().describe());
            o.println("attributes: "
                    + String.join(
                            " ",
                            r.identity().attributes().entrySet().stream()
                                    .map(e -> e.getKey() + "=" + e.getValue())
                                    .toList()));
            o.println("self-test: a signature by the token verifies with the exported public key");
            o.println("key uri: " + r.identity().keyUri());
            o.println("public key: " + r.publicKeyFile());
            o.println("identity file: " + r.identityFile());
            o.println("identity_id: " + r.identity().identityId());
            o.flush();
            return 0;
        }
    }

    static <T> T parse(java.util.function.Supplier<T> s) {
        try {
            return s.get();
        } catch (IllegalArgumentException e) {
            throw new dev.psk.common.cli.UsageException(e.getMessage());
        }
    }
}
