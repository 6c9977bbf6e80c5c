package dev.psk.identity;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPairGenerator;
import org.junit.jupiter.api.Test;

/** A key of the wrong kind is named in our words ("an RSA key"), never with the JDK's exception text. */
class EcP256KeyKindTest {
    @Test
    void anRsaKeyIsNamedAndRefused() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        byte[] spki = g.generateKeyPair().getPublic().getEncoded();
        assertThatThrownBy(() -> EcP256.publicKeyFromSpki(spki))
                .isInstanceOf(IdentityException.class)
                .hasMessage("public key: an RSA key: only EC P-256 (secp256r1) keys are supported");
    }

    @Test
    void anEd25519KeyIsNamedAndRefused() throws Exception {
        byte[] spki = KeyPairGenerator.getInstance("Ed25519")
                .generateKeyPair()
                .getPublic()
                .getEncoded();
        assertThatThrownBy(() -> EcP256.publicKeyFromSpki(spki)).hasMessageContaining("an Ed25519 key");
    }

    @Test
    void garbageIsNotAKey() {
        assertThatThrownBy(() -> EcP256.publicKeyFromSpki(new byte[] {0x30, 0x03, 1, 2, 3}))
                .hasMessage("public key: not a well-formed public key: only EC P-256 (secp256r1) keys are supported")
                .hasMessageNotContaining("java.");
    }
}
