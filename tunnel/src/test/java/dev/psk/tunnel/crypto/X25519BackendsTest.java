package dev.psk.tunnel.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.psk.common.Hex;
import dev.psk.common.ffm.LibCrypto;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** RFC 7748 vectors on each backend, the backends against each other, and backend selection. */
class X25519BackendsTest {
    static List<X25519Backend> backends() {
        return X25519Backends.all();
    }

    private static byte[] mult(X25519Backend b, String k, String u) throws LowOrderPointException {
        return X25519.scalarMult(b, Hex.decode(k), Hex.decode(u));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void rfc7748Section52(X25519Backend b) throws Exception {
        assertThat(Hex.encode(mult(
                        b,
                        "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
                        "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c")))
                .isEqualTo("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
        // The u-coordinate's top bit is set: it must be masked, not rejected.
        assertThat(Hex.encode(mult(
                        b,
                        "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
                        "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493")))
                .isEqualTo("95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957");
    }

    @ParameterizedTest
    @MethodSource("backends")
    void rfc7748Section52Iterated(X25519Backend b) throws Exception {
        byte[] k = new byte[32];
        k[0] = 9;
        byte[] u = k.clone();
        for (int i = 1; i <= 1000; i++) {
            byte[] r = X25519.scalarMult(b, k, u);
            u = k;
            k = r;
            if (i == 1) {
                assertThat(Hex.encode(k)).isEqualTo("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079");
            }
        }
        assertThat(Hex.encode(k)).isEqualTo("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51");
    }

    @ParameterizedTest
    @MethodSource("backends")
    void rfc7748Section61(X25519Backend b) throws Exception {
        String alice = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
        String bob = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
        String alicePub = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
        String bobPub = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
        String shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
        assertThat(Hex.encode(X25519.publicKey(b, Hex.decode(alice)))).isEqualTo(alicePub);
        assertThat(Hex.encode(X25519.publicKey(b, Hex.decode(bob)))).isEqualTo(bobPub);
        assertThat(Hex.encode(mult(b, alice, bobPub))).isEqualTo(shared);
        assertThat(Hex.encode(mult(b, bob, alicePub))).isEqualTo(shared);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void wrongLengthsAndZeroPointAreRefusedAlike(X25519Backend b) {
        assertThatThrownBy(() -> X25519.scalarMult(b, new byte[31], new byte[32]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> X25519.scalarMult(b, new byte[32], new byte[33]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> X25519.publicKey(b, null)).isInstanceOf(IllegalArgumentException.class);
        byte[] one = new byte[32];
        one[0] = 1; // u = 1 has order 4 (RFC 7748 section 6.1's low-order list)
        assertThatThrownBy(() -> X25519.scalarMult(b, new byte[32], one)).isInstanceOf(LowOrderPointException.class);
    }

    @Test
    void randomKeysAgreeAcrossBackends() throws Exception {
        List<X25519Backend> all = backends();
        SplittableRandom rnd = new SplittableRandom(0x25519);
        for (int i = 0; i < 1000; i++) {
            byte[] k = new byte[32];
            byte[] u = new byte[32];
            rnd.nextBytes(k);
            rnd.nextBytes(u); // any 32 bytes: points on the curve or its twist, top bit set or not
            byte[] pub = X25519.publicKey(all.get(0), k);
            byte[] shared = X25519.scalarMult(all.get(0), k, u);
            for (X25519Backend b : all) {
                assertThat(X25519.publicKey(b, k))
                        .as("public key %d on %s", i, b.name())
                        .isEqualTo(pub);
                assertThat(X25519.scalarMult(b, k, u))
                        .as("product %d on %s", i, b.name())
                        .isEqualTo(shared);
            }
        }
    }

    @Test
    void backendsAreSafeAcrossThreads() throws Exception {
        byte[] k = Hex.decode("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        byte[] u = Hex.decode("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
        String shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (X25519Backend b : backends()) {
                for (int t = 0; t < 4; t++) {
                    results.add(pool.submit(() -> {
                        for (int i = 0; i < 100; i++) {
                            if (!Hex.encode(X25519.scalarMult(b, k, u)).equals(shared)) {
                                return false;
                            }
                        }
                        return true;
                    }));
                }
            }
            for (Future<Boolean> r : results) {
                assertThat(r.get()).isTrue();
            }
        }
    }

    @Test
    void inputsAreNotModified() throws Exception {
        for (X25519Backend b : backends()) {
            byte[] k = new byte[32];
            java.util.Arrays.fill(k, (byte) 0xff); // clamping must work on a copy
            byte[] u = Hex.decode("e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493");
            byte[] kBefore = k.clone();
            byte[] uBefore = u.clone();
            X25519.scalarMult(b, k, u);
            X25519.publicKey(b, k);
            assertThat(k).isEqualTo(kBefore);
            assertThat(u).isEqualTo(uBefore);
        }
    }

    @Test
    void libcryptoLeavesNoKeyOrProductInItsScratchMemory() throws Exception {
        if (!LibCrypto.available()) {
            return;
        }
        byte[] k = new byte[32];
        java.util.Arrays.fill(k, (byte) 0x5a);
        byte[] u = Hex.decode("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");
        byte[] product = X25519.scalarMult(OpenSslX25519.INSTANCE, k, u);
        byte[] pub = X25519.publicKey(OpenSslX25519.INSTANCE, k);
        byte[] scratch = OpenSslX25519.scratchOfThisThread().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        String dump = Hex.encode(scratch);
        assertThat(dump)
                .doesNotContain(Hex.encode(k))
                .doesNotContain(Hex.encode(product))
                .doesNotContain(Hex.encode(pub));
        // The low-order refusal wipes too.
        assertThatThrownBy(() -> X25519.scalarMult(OpenSslX25519.INSTANCE, k, new byte[32]))
                .isInstanceOf(LowOrderPointException.class);
        dump = Hex.encode(OpenSslX25519.scratchOfThisThread().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        assertThat(dump).doesNotContain(Hex.encode(k));
    }

    @Test
    void selection() {
        assertThat(X25519.select("jce").name()).isEqualTo("jce");
        assertThat(X25519.select(" JCE ").name()).isEqualTo("jce");
        assertThat(X25519.select("auto").name()).isEqualTo(LibCrypto.available() ? "openssl" : "jce");
        if (LibCrypto.available()) {
            assertThat(X25519.select("openssl").name()).isEqualTo("openssl");
            String forced = System.getProperty(X25519.BACKEND_PROPERTY, "auto").strip();
            assertThat(X25519.backendName()).isEqualTo(forced.equals("auto") ? "openssl" : forced);
        } else {
            assertThatThrownBy(() -> X25519.select("openssl")).hasMessageContaining("libcrypto");
        }
        assertThatThrownBy(() -> X25519.select("bouncy"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("auto, openssl or jce")
                .hasMessageContaining("bouncy");
    }
}
