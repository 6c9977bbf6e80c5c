package dev.psk.attest.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.attest.TpmFormatException;
import dev.psk.attest.tpm.HashAlg;
import dev.psk.common.Hex;
import dev.psk.common.testing.SharedVectors;
import dev.psk.common.testing.VectorCases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Wycheproof ECDSA P-256/SHA-256 vectors (DER signatures) through the quote verifier's own path:
 * {@link QuoteSignatures#decode} (strict DER), the scheme check, then {@link QuoteSignatures#verify}, once on the
 * default path (OpenSSL libcrypto through FFM when it loads) and once on the JCA fallback.
 * Another file: {@code -Dpsk.vectors.wycheproof.ecdsa=PATH}.
 */
class WycheproofEcdsaTest {
    @TestFactory
    Stream<DynamicTest> ecdsaP256Sha256DerNativeOrDefaultPath() {
        if (Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libcrypto.so.3"))) {
            assertThat(QuoteSignatures.nativeEcdsa())
                    .as("libcrypto present: the native path must load")
                    .isTrue();
        }
        return run(true);
    }

    @TestFactory
    Stream<DynamicTest> ecdsaP256Sha256DerJcaPath() {
        return run(false);
    }

    @TestFactory
    Stream<DynamicTest> ecdsaP256Sha256P1363AsTpmtSignatures() {
        return run(
                "psk.vectors.wycheproof.ecdsaP1363", "wycheproof/ecdsa_secp256r1_sha256_p1363_test.json", true, true);
    }

    static Stream<DynamicTest> run(boolean allowNative) {
        return run("psk.vectors.wycheproof.ecdsa", "wycheproof/ecdsa_secp256r1_sha256_test.json", allowNative, false);
    }

    /** A case with its group's key. */
    private record Case(JsonNode test, PublicKey key) {
        String name() {
            return "tcId " + test.get("tcId").asInt() + " ("
                    + test.get("result").stringValue() + ")";
        }
    }

    /**
     * One test per case. With {@code asTpmt}, each r||s signature becomes a TPMT_SIGNATURE (0018
     * 000b, TPM2B r, TPM2B s) so the vectors exercise the TPM form's decoding and the r, s range
     * checks; an odd length cannot be split into r and s and counts as rejected. SignatureSize
     * cases are left out of the TPM form: r||s of the wrong total length is invalid in P1363's
     * fixed-size encoding, but the TPM form carries r and s as TPM2Bs that may legitimately be
     * shorter.
     */
    static Stream<DynamicTest> run(String property, String relative, boolean allowNative, boolean asTpmt) {
        Path file = SharedVectors.file(property, relative);
        List<Case> cases = new ArrayList<>();
        try {
            JsonNode root = JsonMapper.builder().build().readTree(Files.readAllBytes(file));
            for (JsonNode group : root.get("testGroups")) {
                PublicKey key = KeyFactory.getInstance("EC")
                        .generatePublic(new X509EncodedKeySpec(
                                Hex.decode(group.get("publicKeyDer").stringValue())));
                for (JsonNode t : group.get("tests")) {
                    if (!(asTpmt && hasFlag(t, "SignatureSize"))) {
                        cases.add(new Case(t, key));
                    }
                }
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
        assertThat(cases).as("cases in " + file).hasSizeGreaterThan(200);
        return VectorCases.of(file, cases, Case::name, c -> {
            JsonNode t = c.test();
            String result = t.get("result").stringValue();
            byte[] sig = Hex.decode(t.get("sig").stringValue());
            byte[] msg = Hex.decode(t.get("msg").stringValue());
            boolean ok = asTpmt
                    ? sig.length % 2 == 0 && sig.length > 0 && acceptsTpmt(c.key(), msg, tpmt(sig))
                    : accepts(c.key(), msg, sig, allowNative);
            if (!result.equals("acceptable")) {
                assertThat(ok).as(t.get("comment").stringValue()).isEqualTo(result.equals("valid"));
            }
        });
    }

    static boolean hasFlag(JsonNode t, String flag) {
        JsonNode flags = t.get("flags");
        if (flags != null) {
            for (JsonNode f : flags) {
                if (flag.equals(f.stringValue())) {
                    return true;
                }
            }
        }
        return false;
    }

    static byte[] tpmt(byte[] p1363) {
        int half = p1363.length / 2;
        return new dev.psk.attest.tpm.TpmWriter()
                .u16(0x0018)
                .u16(0x000b)
                .tpm2b(java.util.Arrays.copyOfRange(p1363, 0, half))
                .tpm2b(java.util.Arrays.copyOfRange(p1363, half, p1363.length))
                .toByteArray();
    }

    static boolean acceptsTpmt(PublicKey key, byte[] msg, byte[] sig) {
        try {
            QuoteSignatures.Decoded d =
                    QuoteSignatures.decode(sig, key, HashAlg.SHA256, dev.psk.attest.tpm.Tpm2.TPM_ALG_RSASSA);
            return d.format() == SignatureFormat.TPMT
                    && QuoteSignatures.schemeMismatch(d.signature(), key, HashAlg.SHA256) == null
                    && QuoteSignatures.verify(d.signature(), msg, key);
        } catch (TpmFormatException e) {
            return false;
        }
    }

    static boolean accepts(PublicKey key, byte[] msg, byte[] sig, boolean allowNative) {
        try {
            QuoteSignatures.Decoded d =
                    QuoteSignatures.decode(sig, key, HashAlg.SHA256, dev.psk.attest.tpm.Tpm2.TPM_ALG_RSASSA);
            if (d.format() != SignatureFormat.PLAIN_DER) {
                return false;
            }
            return QuoteSignatures.schemeMismatch(d.signature(), key, HashAlg.SHA256) == null
                    && QuoteSignatures.verify(d.signature(), msg, key, allowNative);
        } catch (TpmFormatException e) {
            return false;
        }
    }
}
