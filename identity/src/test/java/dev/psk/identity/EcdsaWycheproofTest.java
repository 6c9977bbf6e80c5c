package dev.psk.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.Hex;
import dev.psk.common.testing.SharedVectors;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Wycheproof ECDSA P-256/SHA-256 vectors through {@link Verifier#verify}: every "valid" case must
 * verify, every "invalid" one must not ("acceptable" may go either way). Override the files with
 * -Dpsk.vectors.ecdsa.der=FILE and -Dpsk.vectors.ecdsa.p1363=FILE.
 */
class EcdsaWycheproofTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "DER, psk.vectors.ecdsa.der, wycheproof/ecdsa_secp256r1_sha256_test.json",
        "P1363, psk.vectors.ecdsa.p1363, wycheproof/ecdsa_secp256r1_sha256_p1363_test.json",
    })
    void verifierAgreesWithWycheproof(SignatureFormat format, String property, String relative) throws Exception {
        Path file = SharedVectors.file(property, relative);
        JsonNode root = JsonMapper.builder().build().readTree(file.toFile());
        List<String> failed = new ArrayList<>();
        int passed = 0;
        for (JsonNode group : root.get("testGroups")) {
            ECPublicKey key;
            try {
                key = EcP256.publicKeyFromSpki(
                        Hex.decode(group.get("publicKeyDer").asString()));
            } catch (IdentityException e) {
                for (JsonNode t : group.get("tests")) {
                    failed.add("tcId " + t.get("tcId").asInt() + ": key rejected: " + e.getMessage());
                }
                continue;
            }
            for (JsonNode t : group.get("tests")) {
                boolean ok = Verifier.verify(
                        key,
                        Hex.decode(t.get("msg").asString()),
                        Hex.decode(t.get("sig").asString()),
                        format);
                String result = t.get("result").asString();
                if (result.equals("acceptable") || ok == result.equals("valid")) {
                    passed++;
                } else {
                    failed.add("tcId " + t.get("tcId").asInt() + " (" + result + ", "
                            + t.get("comment").asString() + ")");
                }
            }
        }
        System.out.println(
                "ecdsa vectors: " + passed + " passed, " + failed.size() + " failed (" + file.getFileName() + ")");
        assertThat(failed).isEmpty();
        assertThat(passed).isEqualTo(root.get("numberOfTests").asInt());
    }
}
