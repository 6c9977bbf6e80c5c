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
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code psk-provision identity list --token URI}. */
@Command(
        name = "list",
        description = {
            "List a token's private keys with identity_id and a verdict.",
            "Each key is shown with its protection attributes and whether they are safe for an identity key."
        },
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
    private static final JsonMapper JSON = JsonMapper.builder().build();

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

    @Option(
            names = "--json",
            description = "Print one JSON object (token, logged_in, keys with their attributes) instead of text.")
    boolean json;

    @Override
    public Integer call() throws PskException {
        PrintWriter o = spec.commandLine().getOut();
        try (Pkcs11Token tok =
                Pkcs11Token.open(token, pins.source(token, spec.commandLine().getErr()))) {
            List<TokenKey> keys = tok.privateKeys();
            if (json) {
                o.println(asJson(tok, keys));
                o.flush();
                return 0;
            }
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

    private static String asJson(Pkcs11Token tok, List<TokenKey> keys) throws PskException {
        ObjectNode n = JSON.createObjectNode();
        n.put("token", tok.info().describe());
        n.put("logged_in", tok.loggedIn());
        ArrayNode a = n.putArray("keys");
        for (TokenKey k : keys) {
            ObjectNode e = a.addObject();
            e.put("label", k.label());
            e.put("id", Hex.encode(k.id()));
            e.put("type", k.isEc() ? "EC" : "CKK " + k.keyType());
            try {
                e.put("identity_id", k.isEc() ? IdentityId.of(tok.publicKey(k)).hex() : null);
            } catch (IdentityException x) {
                e.putNull("identity_id");
                e.put("identity_error", x.getMessage());
            }
            KeyAttributes attrs = tok.attributes(k);
            e.put("hardware_bound", attrs.hardwareBound());
            ObjectNode m = e.putObject("attributes");
            attrs.asMap().forEach((name, value) -> m.put(name, String.valueOf(value)));
        }
        return JSON.writeValueAsString(n);
    }
}
