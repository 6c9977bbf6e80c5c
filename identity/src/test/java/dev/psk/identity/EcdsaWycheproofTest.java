package dev.psk.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.Hex;
import dev.psk.common.testing.SharedVectors;
import dev.psk.common.testing.VectorCases;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Wycheproof ECDSA P-256/SHA-256 vectors through {@link Verifier#verify}: every "valid" case must
 * verify, every "invalid" one must not ("acceptable" may go either way); one test per file and tcId. Override the files with
 * -Dpsk.vectors.ecdsa.der=FILE and -Dpsk.vectors.ecdsa.p1363=FILE.
 */
class EcdsaWycheproofTest {
    /** A case with its group's key (null when the key itself was refused, with the reason). */
    private record Case(JsonNode test, ECPublicKey key, String keyRefused) {
        String name() {
            return "tcId " + test.get("tcId").asInt() + " ("
                    + test.get("result").asString() + ")";
        }
    }

    @TestFactory
    Stream<DynamicContainer> verifierAgreesWithWycheproof() {
        return Stream.of(
                vectors(SignatureFormat.DER, "psk.vectors.ecdsa.der", "wycheproof/ecdsa_secp256r1_sha256_test.json"),
                vectors(
                        SignatureFormat.P1363,
                        "psk.vectors.ecdsa.p1363",
                        "wycheproof/ecdsa_secp256r1_sha256_p1363_test.json"));
    }

    private static DynamicContainer vectors(SignatureFormat format, String property, String relative) {
        Path file = SharedVectors.file(property, relative);
        JsonNode root = JsonMapper.builder().build().readTree(file.toFile());
        List<Case> cases = new ArrayList<>();
        for (JsonNode group : root.get("testGroups")) {
            ECPublicKey key = null;
            String refused = null;
            try {
                key = EcP256.publicKeyFromSpki(
                        Hex.decode(group.get("publicKeyDer").asString()));
            } catch (IdentityException e) {
                refused = e.getMessage();
            }
            for (JsonNode t : group.get("tests")) {
                cases.add(new Case(t, key, refused));
            }
        }
        assertThat(cases)
                .as("cases in " + file)
                .hasSize(root.get("numberOfTests").asInt());
        return DynamicContainer.dynamicContainer(format.name(), VectorCases.of(file, cases, Case::name, c -> {
            assertThat(c.keyRefused()).as("group key refused").isNull();
            JsonNode t = c.test();
            boolean ok = Verifier.verify(
                    c.key(),
                    Hex.decode(t.get("msg").asString()),
                    Hex.decode(t.get("sig").asString()),
                    format);
            String result = t.get("result").asString();
            if (!result.equals("acceptable")) {
                assertThat(ok).as(t.get("comment").asString()).isEqualTo(result.equals("valid"));
            }
        }));
    }
}
