package dev.psk.provision.cli;

import dev.psk.common.PskException;
import dev.psk.common.cli.VerboseOption;
import dev.psk.identity.pkcs11.PinSource;
import dev.psk.identity.pkcs11.TokenInfo;
import dev.psk.identity.pkcs11.TokenInitializer;
import dev.psk.provision.KeyProfile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code psk-provision token init --module PATH --label L --so-pin-file F --pin-file F}. */
@Command(
        name = "init",
        description = {
            "Initialize a new token in the first free slot of a PKCS#11 module.",
            "C_InitToken with the SO PIN, then C_InitPIN with the user PIN. SoftHSM2: point SOFTHSM2_CONF at its"
                    + " configuration; tpm2-pkcs11: set TPM2_PKCS11_STORE and TPM2_PKCS11_TCTI."
        },
        footer = {
            "",
            "Example:",
            "  psk-provision token init --module /usr/lib/softhsm/libsofthsm2.so \\",
            "      --label device --so-pin-file so.pin --pin-file user.pin",
            "",
            "Exit codes: 0 initialized, 1 failure (label taken, no free slot, PIN refused), 2 usage error."
        })
final class TokenInitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    VerboseOption verbose;

    @Option(names = "--module", required = true, paramLabel = "FILE", description = "The PKCS#11 module (.so).")
    Path module;

    @Option(names = "--label", required = true, paramLabel = "LABEL", description = "Token label (1-32 bytes).")
    String label;

    @Option(names = "--so-pin-file", required = true, paramLabel = "FILE", description = "File holding the new SO PIN.")
    Path soPinFile;

    @Option(names = "--pin-file", required = true, paramLabel = "FILE", description = "File holding the new user PIN.")
    Path pinFile;

    @Option(
            names = "--profile",
            paramLabel = "PROFILE",
            defaultValue = "generic",
            description = "generic (default) or atecc608a (refused: the chip's token is fixed).")
    String profile;

    @Override
    public Integer call() throws PskException {
        IdentityCreateCommand.parse(() -> KeyProfile.parse(profile)).checkTokenInit();
        PinFiles.warnIfExposed(soPinFile, spec.commandLine().getErr());
        PinFiles.warnIfExposed(pinFile, spec.commandLine().getErr());
        char[] so = PinSource.file(soPinFile).pin("the new token");
        char[] user = null;
        try {
            user = PinSource.file(pinFile).pin("the new token");
            TokenInfo t = TokenInitializer.initialize(module.toAbsolutePath(), label, so, user);
            PrintWriter out = spec.commandLine().getOut();
            out.println("initialized token " + t.describe());
            out.println("uri: " + t.uri(module.toAbsolutePath().toString()).format());
            out.flush();
            return 0;
        } finally {
            Arrays.fill(so, '\0');
            if (user != null) {
                Arrays.fill(user, '\0');
            }
        }
    }
}
