package dev.psk.tunnel.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.psk.common.Hex;
import dev.psk.common.SecretBytes;
import org.junit.jupiter.api.Test;

/** The typed API; the Wycheproof vectors run against {@link X25519#scalarMult} elsewhere. */
class X25519Test {
    // RFC 7748 section 6.1
    private static final String ALICE_PRIV = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
    private static final String ALICE_PUB = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
    private static final String BOB_PRIV = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
    private static final String BOB_PUB = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
    private static final String SHARED =
            "4a5d9d5b a4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742".replace(" ", "");

    @Test
    void rfc7748Section61() throws Exception {
        try (X25519PrivateKey a = X25519PrivateKey.copyOf(Hex.decode(ALICE_PRIV));
                X25519PrivateKey b = X25519PrivateKey.copyOf(Hex.decode(BOB_PRIV))) {
            assertThat(Hex.encode(a.publicKey().bytes())).isEqualTo(ALICE_PUB);
            assertThat(Hex.encode(b.publicKey().bytes())).isEqualTo(BOB_PUB);
            try (SecretBytes ab = X25519.agree(a, b.publicKey());
                    SecretBytes ba = X25519.agree(b, a.publicKey())) {
                assertThat(Hex.encode(ab.reveal())).isEqualTo(SHARED);
                assertThat(ab.equalsConstantTime(ba)).isTrue();
            }
        }
    }

    @Test
    void lowOrderPointIsRefused() {
        try (X25519PrivateKey a = X25519.generatePrivateKey()) {
            X25519PublicKey zero = X25519PublicKey.fromBytes(new byte[32]);
            assertThatThrownBy(() -> X25519.agree(a, zero)).isInstanceOf(LowOrderPointException.class);
        }
    }

    @Test
    void keysRefuseWrongLengthsAndNeverPrintSecrets() {
        assertThatThrownBy(() -> X25519PublicKey.fromBytes(new byte[31])).hasMessageContaining("31");
        assertThatThrownBy(() -> X25519PrivateKey.copyOf(new byte[33])).hasMessageContaining("33");
        assertThatThrownBy(() -> PresharedKey.copyOf(new byte[16])).hasMessageContaining("16");
        byte[] raw = Hex.decode(ALICE_PRIV);
        try (X25519PrivateKey k = X25519PrivateKey.copyOf(raw);
                PresharedKey p = PresharedKey.copyOf(raw)) {
            assertThat(k.toString()).doesNotContain(ALICE_PRIV.substring(0, 8));
            assertThat(p.toString()).doesNotContain(ALICE_PRIV.substring(0, 8));
        }
    }

    @Test
    void closingAPrivateKeyWipesIt() {
        X25519PrivateKey k = X25519.generatePrivateKey();
        byte[] inside = k.secret().reveal();
        k.close();
        assertThat(inside).containsOnly(0);
    }

    @Test
    void publicKeysCompareByContent() {
        byte[] raw = Hex.decode(ALICE_PUB);
        assertThat(X25519PublicKey.fromBytes(raw)).isEqualTo(X25519PublicKey.fromBytes(raw.clone()));
        assertThat(X25519PublicKey.fromBytes(raw).hashCode())
                .isEqualTo(X25519PublicKey.fromBytes(raw).hashCode());
    }
}
