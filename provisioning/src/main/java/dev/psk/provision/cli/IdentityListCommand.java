package dev.psk.provision.cli;

import dev.psk.common.Hex;
import dev.psk.common.PskException;
import dev.psk.common.cli.VerboseOption;
import dev.psk.identity.IdentityException;
import dev.psk.identity.IdentityId;
import dev.psk.identity.pkcs11.KeyAttributes;
import dev.psk.identity.pkcs11.Pkcs11Token;
import dev.psk.identity.pkcs11.Pkcs11Uri;
import dev.psk.identity.pkcs11.TokenKey;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code psk-provision identity list --token URI}. */
@Command(
        name = "list",
        mixinStandardHelpOptions = true,
        versionProvider = dev.psk.common.cli.VersionProvider.class,
        description = "List the private keys on a token with identity_id, protection attributes and a verdict.",
        footer = {
            "",
            "Example:",
            "  psk-provision identity list \\",
            "    --token 'pkcs11:token=device?module-path=/usr/lib/softhsm/libsofthsm2.so' \\",
            "    --pin-file user.pin",
            "",
            "Exit codes: 0 listed, 1 failure, 2 usage error."
        })
final class IdentityListCommand implements Callable<Integer> {
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
            description = "PKCS#11 URI of the token.")
    Pkcs11Uri token;

    @Override
    public Integer call() throws PskException {
        PrintWriter o = spec.commandLine().getOut();
        try (Pkcs11Token tok =
                Pkcs11Token.open(token, pins.source(token, spec.commandLine().getErr()))) {
            List<TokenKey> keys = tok.privateKeys();
            o.println("token " + tok.info().describe() + (tok.loggedIn() ? "" : " (not logged in: private keys hidden)")
                    + ": " + keys.size() + " private key" + (keys.size() == 1 ? "" : "s"));
            for (TokenKey k : keys) {
                String id;
                try {
                    id = k.isEc() ? IdentityId.of(tok.publicKey(k)).hex() : "-";
                } catch (IdentityException e) {
                    id = "- (" + e.getMessage() + ")";
                }
                KeyAttributes a = tok.attributes(k);
                o.println("'" + k.label() + "' id=" + Hex.encode(k.id()) + " type="
                        + (k.isEc() ? "EC" : "CKK " + k.keyType()) + " identity_id=" + id + " "
                        + (a.hardwareBound() ? "hardware-bound" : "NOT hardware-bound " + a.violations()));
                o.println("  "
                        + String.join(
                                " ",
                                a.asMap().entrySet().stream()
                                        .map(e -> e.getKey() + "=" + e.getValue())
                                        .toList()));
            }
            o.flush();
            return 0;
        }
    }
}
