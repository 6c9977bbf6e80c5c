package dev.psk.tunnel.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.Hex;
import dev.psk.common.testing.SharedVectors;
import dev.psk.common.testing.VectorCases;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * RFC 8439 section 2.8.2 and every Wycheproof ChaCha20-Poly1305 case with a 96-bit nonce (the only
 * nonce size the PSK2 packet uses) through each {@link PacketAead} backend, in place in a direct
 * buffer, one test per backend and case. Valid cases must seal to the expected bytes and open;
 * invalid ones must fail to open. Files: -Drfc8439.vectors, -Dwycheproof.chacha20poly1305.
 */
class AeadVectorsTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One case in the fields {@link #check} takes. */
    private record Case(String id, JsonNode n, String nonce, String msg, String ct, boolean valid) {}

    @TestFactory
    Stream<DynamicContainer> rfc8439AndWycheproof() {
        List<Case> cases = new ArrayList<>();
        JsonNode rfc = JSON.readTree(SharedVectors.file("rfc8439.vectors", "rfc/rfc8439_2.8.2_aead.json")
                .toFile());
        cases.add(new Case("rfc8439 2.8.2", rfc, "nonce", "plaintext", "ciphertext", true));
        Path wycheproof = SharedVectors.file("wycheproof.chacha20poly1305", "wycheproof/chacha20_poly1305_test.json");
        for (JsonNode g : JSON.readTree(wycheproof.toFile()).get("testGroups")) {
            if (g.get("ivSize").asInt() != 96) {
                continue;
            }
            for (JsonNode t : g.get("tests")) {
                cases.add(new Case(
                        "wycheproof tcId " + t.get("tcId").asInt(),
                        t,
                        "iv",
                        "msg",
                        "ct",
                        t.get("result").asString().equals("valid")));
            }
        }
        assertThat(cases).as("cases in " + wycheproof).hasSizeGreaterThan(200);
        return Stream.of(PacketAeads.JCE, PacketAeads.OPENSSL)
                .map(backend -> DynamicContainer.dynamicContainer(
                        backend.name().toLowerCase(java.util.Locale.ROOT),
                        VectorCases.of(wycheproof, cases, Case::id, c -> {
                            if (backend.equals(PacketAeads.OPENSSL)) {
                                Assumptions.assumeTrue(
                                        OpenSslChaCha20Poly1305.unavailableReason()
                                                .isEmpty(),
                                        "libcrypto not loadable");
                            }
                            // A fresh instance per case: the JDK provider refuses to encrypt twice under
                            // one key and nonce, and Wycheproof repeats some pairs (the RFC case is tcId 1).
                            String problem = check(
                                    () -> PacketAeads.create(backend),
                                    c.n().get("key").asString(),
                                    c.n().get(c.nonce()).asString(),
                                    c.n().get("aad").asString(),
                                    c.n().get(c.msg()).asString(),
                                    c.n().get(c.ct()).asString(),
                                    c.n().get("tag").asString(),
                                    c.valid());
                            assertThat(problem).as(backend + " " + c.id()).isNull();
                        })));
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
