package dev.psk.tunnel.noise;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.Hex;
import dev.psk.common.testing.SharedVectors;
import dev.psk.common.testing.VectorCases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Wycheproof vectors for the primitives under the Noise suite. X25519: every valid and acceptable
 * case must give the expected secret, except an all-zero secret (low-order input), which
 * {@link dev.psk.tunnel.crypto.X25519} must refuse. HKDF, HMAC and ChaCha20-Poly1305 run one test per tcId. Files can be replaced with -Dwycheproof.x25519=FILE, .hkdf, .hmac,
 * .chacha.
 */
class WycheproofPrimitivesTest {

    private static JsonNode load(String prop, String name) throws Exception {
        Path f = SharedVectors.file(prop, "wycheproof/" + name);
        return JsonMapper.builder().build().readTree(Files.readString(f));
    }

    private static void report(String name, int total, List<String> failed) {
        System.out.println(name + " vectors: " + (total - failed.size()) + " passed, " + failed.size() + " failed");
        assertThat(total).isPositive();
        assertThat(failed).isEmpty();
    }

    @Test
    void x25519() throws Exception {
        JsonNode root = load("wycheproof.x25519", "x25519_test.json");
        List<String> failed = new ArrayList<>();
        int total = 0;
        int lowOrderRefused = 0;
        for (JsonNode g : root.get("testGroups")) {
            for (JsonNode t : g.get("tests")) {
                total++;
                byte[] shared = Hex.decode(t.get("shared").asString());
                boolean zero = Arrays.equals(shared, new byte[32]);
                String id = "tcId " + t.get("tcId").asInt();
                byte[] pub = Hex.decode(t.get("public").asString());
                if (pub.length == 32 && dev.psk.tunnel.hub.LowOrderPoints.contains(pub) != zero) {
                    failed.add(id + " (the hub config's low-order table says " + !zero + ")");
                }
                try {
                    byte[] out = dev.psk.tunnel.crypto.X25519.scalarMult(
                            Hex.decode(t.get("private").asString()),
                            Hex.decode(t.get("public").asString()));
                    if (zero || !Arrays.equals(out, shared)) {
                        failed.add(id);
                    }
                } catch (dev.psk.tunnel.crypto.LowOrderPointException e) {
                    if (zero) {
                        lowOrderRefused++;
                    } else {
                        failed.add(id + " refused as low order");
                    }
                }
            }
        }
        report("x25519", total, failed);
        assertThat(lowOrderRefused).as("low-order inputs refused").isGreaterThan(10);
    }

    /** A Wycheproof test with its group. */
    private record Case(JsonNode group, JsonNode test) {
        String name() {
            return "tcId " + test.get("tcId").asInt() + " ("
                    + test.get("result").asString() + ")";
        }
    }

    private static List<Case> cases(JsonNode root) {
        List<Case> out = new ArrayList<>();
        for (JsonNode g : root.get("testGroups")) {
            for (JsonNode t : g.get("tests")) {
                out.add(new Case(g, t));
            }
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> hkdfSha256() throws Exception {
        // Noise's HKDF is RFC 5869 with empty info and 32-byte steps; Wycheproof cases with empty info
        // and okm of 64 or 96 bytes check it exactly.
        List<Case> cases = cases(load("wycheproof.hkdf", "hkdf_sha256_test.json")).stream()
                .filter(c -> c.test().get("info").asString().isEmpty()
                        && (c.test().get("size").asInt() == 64
                                || c.test().get("size").asInt() == 96)
                        && "valid".equals(c.test().get("result").asString()))
                .toList();
        return VectorCases.of("hkdf_sha256_test.json", cases, Case::name, c -> {
            JsonNode t = c.test();
            int size = t.get("size").asInt();
            byte[][] out = NoiseHash.hkdf(
                    Hex.decode(t.get("salt").asString()),
                    Hex.decode(t.get("ikm").asString()),
                    size / 32);
            byte[] okm = new byte[size];
            for (int i = 0; i < out.length; i++) {
                System.arraycopy(out[i], 0, okm, 32 * i, 32);
            }
            assertThat(okm).isEqualTo(Hex.decode(t.get("okm").asString()));
        });
    }

    @TestFactory
    Stream<DynamicTest> hmacSha256() throws Exception {
        List<Case> cases = cases(load("wycheproof.hmac", "hmac_sha256_test.json"));
        return VectorCases.of("hmac_sha256_test.json", cases, Case::name, c -> {
            JsonNode t = c.test();
            int tagBytes = c.group().get("tagSize").asInt() / 8;
            byte[] tag = NoiseHash.hmac(
                    Hex.decode(t.get("key").asString()), Hex.decode(t.get("msg").asString()));
            boolean match = Arrays.equals(
                    Arrays.copyOf(tag, tagBytes), Hex.decode(t.get("tag").asString()));
            assertThat(match)
                    .as("tag matches")
                    .isEqualTo("valid".equals(t.get("result").asString()));
        });
    }

    @TestFactory
    Stream<DynamicTest> chacha20Poly1305() throws Exception {
        List<Case> cases = cases(load("wycheproof.chacha", "chacha20_poly1305_test.json")).stream()
                .filter(c -> c.group().get("ivSize").asInt() == 96
                        && c.group().get("keySize").asInt() == 256)
                .toList();
        return VectorCases.of("chacha20_poly1305_test.json", cases, Case::name, c -> {
            JsonNode t = c.test();
            boolean valid = "valid".equals(t.get("result").asString());
            byte[] ct = Hex.decode(t.get("ct").asString() + t.get("tag").asString());
            byte[] pt;
            try {
                Cipher cipher = Cipher.getInstance("ChaCha20-Poly1305");
                cipher.init(
                        Cipher.DECRYPT_MODE,
                        new SecretKeySpec(Hex.decode(t.get("key").asString()), "ChaCha20"),
                        new IvParameterSpec(Hex.decode(t.get("iv").asString())));
                cipher.updateAAD(Hex.decode(t.get("aad").asString()));
                pt = cipher.doFinal(ct);
            } catch (java.security.GeneralSecurityException e) {
                pt = null;
            }
            if (valid) {
                assertThat(pt).isEqualTo(Hex.decode(t.get("msg").asString()));
            } else {
                assertThat(pt).as("refused").isNull();
            }
        });
    }
}
