package dev.psk.tunnel.handshake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.Hex;
import dev.psk.common.testing.SharedVectors;
import dev.psk.common.testing.VectorCases;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Wycheproof vectors for the handshake's HKDF-SHA256 (key derivation) and HMAC-SHA256 (message MAC,
 * through {@link HandshakeMac}'s primitive), one test per tcId. Override files with
 * -Dpsk.vectors.hkdf / -Dpsk.vectors.hmac.
 */
class HkdfHmacVectorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A test case with the fields of its group it needs. */
    private record Case(JsonNode group, JsonNode test) {
        String name() {
            return "tcId " + test.get("tcId").asInt() + " ("
                    + test.get("result").asString() + ")";
        }
    }

    @TestFactory
    Stream<DynamicTest> hkdfSha256() {
        Path file = SharedVectors.file("psk.vectors.hkdf", "wycheproof/hkdf_sha256_test.json");
        return VectorCases.of(file, cases(file), Case::name, c -> {
            JsonNode t = c.test();
            byte[] got;
            try {
                got = Hkdf.derive(
                        hex(t, "salt"),
                        hex(t, "ikm"),
                        hex(t, "info"),
                        t.get("size").asInt());
            } catch (IllegalArgumentException e) {
                got = null;
            }
            if ("valid".equals(t.get("result").asString())) {
                assertThat(got).isEqualTo(hex(t, "okm"));
            } else {
                assertThat(got).as("refused").isNull();
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> hmacSha256() {
        Path file = SharedVectors.file("psk.vectors.hmac", "wycheproof/hmac_sha256_test.json");
        return VectorCases.of(file, cases(file), Case::name, c -> {
            JsonNode t = c.test();
            int tagBytes = c.group().get("tagSize").asInt() / 8;
            byte[] key = hex(t, "key");
            byte[] full = key.length == 0 ? null : Hkdf.hmac(key).doFinal(hex(t, "msg"));
            boolean matches = full != null && MessageDigest.isEqual(Arrays.copyOf(full, tagBytes), hex(t, "tag"));
            assertThat(matches)
                    .as("tag matches")
                    .isEqualTo("valid".equals(t.get("result").asString()));
        });
    }

    private static List<Case> cases(Path file) {
        List<Case> out = new ArrayList<>();
        for (JsonNode g : JSON.readTree(file.toFile()).get("testGroups")) {
            for (JsonNode t : g.get("tests")) {
                out.add(new Case(g, t));
            }
        }
        return out;
    }

    private static byte[] hex(JsonNode t, String field) {
        String s = t.get(field).asString();
        return s.isEmpty() ? new byte[0] : Hex.decode(s);
    }
}
