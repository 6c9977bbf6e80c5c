package dev.psk.provision.cli;

import dev.psk.common.PskException;
import dev.psk.common.cli.VerboseOption;
import dev.psk.identity.pkcs11.Pkcs11Token;
import dev.psk.identity.pkcs11.Pkcs11Uri;
import dev.psk.identity.pkcs11.TokenInfo;
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

/** {@code psk-provision token list --module URI-or-PATH}. */
@Command(
        name = "list",
        description = "List a PKCS#11 module's slots, their tokens and each token's URI.",
        footer = {
            "",
            "Example:",
            "  psk-provision token list --module /usr/lib/softhsm/libsofthsm2.so",
            "",
            "Exit codes: 0 listed, 1 failure (module missing or failing), 2 usage error."
        })
final class TokenListCommand implements Callable<Integer> {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Spec
    CommandSpec spec;

    @Mixin
    VerboseOption verbose;

    @Option(names = "--module", required = true, paramLabel = "FILE", description = "The PKCS#11 module (.so).")
    java.nio.file.Path module;

    @Option(names = "--json", description = "Print a JSON array of slots instead of text.")
    boolean json;

    @Override
    public Integer call() throws PskException {
        String path = module.toAbsolutePath().toString();
        List<TokenInfo> tokens = Pkcs11Token.tokens(
                Pkcs11Uri.builder().query("module-path", path).build());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ArrayNode a = JSON.createArrayNode();
            for (TokenInfo t : tokens) {
                ObjectNode n = a.addObject().put("slot", Long.toUnsignedString(t.slotId()));
                n.put("initialized", t.initialized());
                if (t.initialized()) {
                    n.put("label", t.label())
                            .put("manufacturer", t.manufacturer())
                            .put("model", t.model())
                            .put("serial", t.serial())
                            .put("uri", t.uri(path).format());
                }
            }
            out.println(JSON.writeValueAsString(a));
            out.flush();
            return 0;
        }
        for (TokenInfo t : tokens) {
            if (t.initialized()) {
                out.printf(
                        "slot %s: token '%s' (manufacturer %s, model %s, serial %s)%n  %s%n",
                        Long.toUnsignedString(t.slotId()),
                        t.label(),
                        t.manufacturer(),
                        t.model(),
                        t.serial(),
                        t.uri(path).format());
            } else {
                out.printf("slot %s: free (uninitialized token)%n", Long.toUnsignedString(t.slotId()));
            }
        }
        if (tokens.isEmpty()) {
            out.println("no slots with a token in " + path);
        }
        out.flush();
        return 0;
    }
}
