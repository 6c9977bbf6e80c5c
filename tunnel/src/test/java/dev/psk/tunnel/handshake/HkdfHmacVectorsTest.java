package dev.psk.tunnel.handshake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.Hex;
import dev.psk.common.testing.SharedVectors;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Wycheproof vectors for the handshake's HKDF-SHA256 (key derivation) and HMAC-SHA256 (message MAC,
 * through {@link HandshakeMac}'s primitive). Override files with -Dpsk.vectors.hkdf / -Dpsk.vectors.hmac.
 */
class HkdfHmacVectorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void hkdfSha256() throws Exception {
        Path file = SharedVectors.file("psk.vectors.hkdf", "wycheproof/hkdf_sha256_test.json");
        int passed = 0;
        List<String> failed = new ArrayList<>();
        for (JsonNode g : JSON.readTree(file.toFile()).get("testGroups")) {
            for (JsonNode t : g.get("tests")) {
                boolean valid = "valid".equals(t.get("result").asString());
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
                boolean ok = valid ? got != null && Arrays.equals(got, hex(t, "okm")) : got == null;
                if (ok) {
                    passed++;
                } else {
                    failed.add("tcId " + t.get("tcId").asInt());
                }
            }
        }
        System.out.println("hkdf vectors: " + passed + " passed, " + failed.size() + " failed " + failed);
        assertThat(passed).isGreaterThan(0);
        assertThat(failed).isEmpty();
    }

    @Test
    void hmacSha256() throws Exception {
        Path file = SharedVectors.file("psk.vectors.hmac", "wycheproof/hmac_sha256_test.json");
        int passed = 0;
        List<String> failed = new ArrayList<>();
        for (JsonNode g : JSON.readTree(file.toFile()).get("testGroups")) {
            int tagBytes = g.get("tagSize").asInt() / 8;
            for (JsonNode t : g.get("tests")) {
                boolean valid = "valid".equals(t.get("result").asString());
                byte[] key = hex(t, "key");
                byte[] full = key.length == 0 ? null : Hkdf.hmac(key).doFinal(hex(t, "msg"));
                boolean matches = full != null && MessageDigest.isEqual(Arrays.copyOf(full, tagBytes), hex(t, "tag"));
                if (matches == valid) {
                    passed++;
                } else {
                    failed.add("tcId " + t.get("tcId").asInt());
                }
            }
        }
        System.out.println("hmac vectors: " + passed + " passed, " + failed.size() + " failed " + failed);
        assertThat(passed).isGreaterThan(0);
        assertThat(failed).isEmpty();
    }

    private static byte[] hex(JsonNode t, String field) {
        String s = t.get(field).asString();
        return s.isEmpty() ? new byte[0] : Hex.decode(s);
    }
}
