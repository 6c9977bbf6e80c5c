package dev.psk.attest.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.attest.TpmFormatException;
import dev.psk.attest.tpm.HashAlg;
import dev.psk.common.Hex;
import dev.psk.common.testing.SharedVectors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Wycheproof ECDSA P-256/SHA-256 vectors (DER signatures) through the quote verifier's own path:
 * {@link QuoteSignatures#decode} (strict DER), the scheme check, then {@link QuoteSignatures#verify}, once on the
 * default path (OpenSSL libcrypto through FFM when it loads) and once on the JCA fallback.
 * Another file: {@code -Dpsk.vectors.wycheproof.ecdsa=PATH}.
 */
class WycheproofEcdsaTest {
    @Test
    void ecdsaP256Sha256DerNativeOrDefaultPath() throws Exception {
        if (Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libcrypto.so.3"))) {
            assertThat(QuoteSignatures.nativeEcdsa()).as("libcrypto present: the native path must load").isTrue();
        }
        run("ecdsa", true);
    }

    @Test
    void ecdsaP256Sha256DerJcaPath() throws Exception {
        run("ecdsa (JCA fallback)", false);
    }

    static void run(String name, boolean allowNative) throws Exception {
        Path file = SharedVectors.file("psk.vectors.wycheproof.ecdsa", "wycheproof/ecdsa_secp256r1_sha256_test.json");
        JsonNode root = JsonMapper.builder().build().readTree(Files.readAllBytes(file));
        int passed = 0;
        List<String> failed = new ArrayList<>();
        for (JsonNode group : root.get("testGroups")) {
            PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Hex.decode(group.get("publicKeyDer").stringValue())));
            for (JsonNode t : group.get("tests")) {
                String result = t.get("result").stringValue();
                boolean ok = accepts(key, Hex.decode(t.get("msg").stringValue()), Hex.decode(t.get("sig").stringValue()), allowNative);
                boolean expectOk = result.equals("valid");
                if (ok == expectOk || result.equals("acceptable")) {
                    passed++;
                } else {
                    failed.add(t.get("tcId").asInt() + " (" + t.get("comment").stringValue() + ": expected " + result + ")");
                }
            }
        }
        System.out.println(name + " vectors: " + passed + " passed, " + failed.size() + " failed");
        assertThat(failed).as("failing tcIds").isEmpty();
        assertThat(passed).isGreaterThan(400);
    }

    static boolean accepts(PublicKey key, byte[] msg, byte[] sig, boolean allowNative) {
        try {
            QuoteSignatures.Decoded d = QuoteSignatures.decode(sig, key, HashAlg.SHA256, dev.psk.attest.tpm.Tpm2.TPM_ALG_RSASSA);
            if (d.format() != SignatureFormat.PLAIN_DER) {
                return false;
            }
            return QuoteSignatures.schemeMismatch(d.signature(), key, HashAlg.SHA256) == null && QuoteSignatures.verify(d.signature(), msg, key, allowNative);
        } catch (TpmFormatException e) {
            return false;
        }
    }
}
