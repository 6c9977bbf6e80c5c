package dev.psk.tunnel.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.Hex;
import dev.psk.common.testing.SharedVectors;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * RFC 8439 section 2.8.2 and every Wycheproof ChaCha20-Poly1305 case with a 96-bit nonce (the only
 * nonce size the PSK2 packet uses) through each {@link PacketAead} backend, in place in a direct
 * buffer. Valid cases must seal to the expected bytes and open; invalid ones must fail to open.
 */
class AeadVectorsTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @ParameterizedTest
    @EnumSource(
            value = AeadBackend.class,
            names = {"JCE", "OPENSSL"})
    void rfc8439AndWycheproof(AeadBackend backend) throws Exception {
        if (backend == AeadBackend.OPENSSL) {
            org.junit.jupiter.api.Assumptions.assumeTrue(
                    OpenSslChaCha20Poly1305.unavailableReason().isEmpty(), "libcrypto not loadable");
        }
        List<String> failures = new ArrayList<>();
        int passed = 0;
        // A fresh instance per case: the JDK provider refuses to encrypt twice under one key and
        // nonce, and Wycheproof repeats some pairs (the RFC case is tcId 1).
        java.util.function.Supplier<PacketAead> aead = () -> PacketAeads.create(backend);
        {
            JsonNode rfc = JSON.readTree(SharedVectors.file("rfc8439.vectors", "rfc/rfc8439_2.8.2_aead.json")
                    .toFile());
            String p = check(
                    aead,
                    rfc.get("key").asString(),
                    rfc.get("nonce").asString(),
                    rfc.get("aad").asString(),
                    rfc.get("plaintext").asString(),
                    rfc.get("ciphertext").asString(),
                    rfc.get("tag").asString(),
                    true);
            if (p == null) {
                passed++;
            } else {
                failures.add("rfc8439 2.8.2: " + p);
            }
            JsonNode wp = JSON.readTree(
                    SharedVectors.file("wycheproof.chacha20poly1305", "wycheproof/chacha20_poly1305_test.json")
                            .toFile());
            for (JsonNode g : wp.get("testGroups")) {
                if (g.get("ivSize").asInt() != 96) {
                    continue;
                }
                for (JsonNode t : g.get("tests")) {
                    String r = check(
                            aead,
                            t.get("key").asString(),
                            t.get("iv").asString(),
                            t.get("aad").asString(),
                            t.get("msg").asString(),
                            t.get("ct").asString(),
                            t.get("tag").asString(),
                            t.get("result").asString().equals("valid"));
                    if (r == null) {
                        passed++;
                    } else {
                        failures.add("wycheproof tcId " + t.get("tcId").asInt() + ": " + r);
                    }
                }
            }
        }
        System.out.println(
                "chacha20-poly1305 (" + backend + ") vectors: " + passed + " passed, " + failures.size() + " failed");
        assertThat(failures).isEmpty();
        assertThat(passed).isGreaterThan(200);
    }

    private static String check(
            java.util.function.Supplier<PacketAead> fresh,
            String keyHex,
            String nonceHex,
            String aadHex,
            String msgHex,
            String ctHex,
            String tagHex,
            boolean valid) {
        try (PacketAead aead = fresh.get()) {
            return check(aead, keyHex, nonceHex, aadHex, msgHex, ctHex, tagHex, valid);
        }
    }

    private static String check(
            PacketAead aead,
            String keyHex,
            String nonceHex,
            String aadHex,
            String msgHex,
            String ctHex,
            String tagHex,
            boolean valid) {
        byte[] key = Hex.decode(keyHex), nonce = Hex.decode(nonceHex), aad = Hex.decode(aadHex);
        byte[] msg = Hex.decode(msgHex), ct = Hex.decode(ctHex), tag = Hex.decode(tagHex);
        int aadOff = 3, dataOff = aadOff + aad.length + 5;
        ByteBuffer buf = ByteBuffer.allocateDirect(dataOff + Math.max(msg.length, ct.length) + 16 + 7);
        if (valid) {
            buf.put(aadOff, aad).put(dataOff, msg);
            aead.seal(key, nonce, buf, aadOff, aad.length, dataOff, msg.length);
            byte[] sealed = new byte[msg.length + 16];
            buf.get(dataOff, sealed);
            byte[] want = Arrays.copyOf(ct, ct.length + tag.length);
            System.arraycopy(tag, 0, want, ct.length, tag.length);
            if (!Arrays.equals(sealed, want)) {
                return "seal mismatch";
            }
        }
        buf.put(aadOff, aad).put(dataOff, ct).put(dataOff + ct.length, tag);
        boolean opened = tag.length == 16 && aead.open(key, nonce, buf, aadOff, aad.length, dataOff, ct.length);
        if (opened != valid) {
            return valid ? "valid case failed to open" : "invalid case opened";
        }
        if (valid) {
            byte[] plain = new byte[ct.length];
            buf.get(dataOff, plain);
            if (!Arrays.equals(plain, msg)) {
                return "opened plaintext differs";
            }
        }
        return null;
    }
}
