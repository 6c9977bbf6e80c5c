package dev.psk.identity.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.psk.identity.SignatureFormat;
import dev.psk.identity.Verifier;
import dev.psk.identity.testing.NativeEnv;
import dev.psk.identity.testing.SwTpm;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The token API on tpm2-pkcs11 over swtpm + tpm2-abrmd, in this JVM: token initialization, key
 * generation with the attributes read back, every export attempt refused, signing, the TPM's RNG.
 */
@Tag("tpm")
class TpmTokenTest {

    @Test
    void initializesGeneratesRefusesExportAndSigns() throws Exception {
        try (SwTpm tpm = new SwTpm()) {
            tpm.env().forEach(NativeEnv::set);
            TokenInfo info = TokenInitializer.initialize(
                    SwTpm.MODULE, "tpm-lib", "so-8812".toCharArray(), "user-8812".toCharArray());
            assertThat(info.label()).isEqualTo("tpm-lib");
            assertThat(info.userPinInitialized()).isTrue();
            Pkcs11Uri uri =
                    Pkcs11Uri.parse("pkcs11:token=tpm-lib?module-path=" + SwTpm.MODULE + "&pin-value=user-8812");
            try (Pkcs11Token t = Pkcs11Token.open(uri, PinSource.none())) {
                TokenKey k = t.generateEcP256("tpm-key", new byte[] {7, 7});
                assertThat(t.attributes(k).hardwareBound())
                        .as(t.attributes(k).asMap().toString())
                        .isTrue();
                byte[] r = new byte[256];
                t.random().nextBytes(r);
                assertThat(r).isNotEqualTo(new byte[256]);
                try (TokenSigner s = TokenSigner.on(t, Pkcs11Uri.parse("pkcs11:object=tpm-key"))) {
                    byte[] msg = "tpm transcript".getBytes();
                    for (SignatureFormat f : SignatureFormat.values()) {
                        assertThat(Verifier.verify(s.publicKey(), msg, s.sign(msg, f), f))
                                .isTrue();
                    }
                }
                // tpm2-pkcs11 lets the flags be flipped (see docs/identity.md); the key stays in the
                // TPM, and from then on the signer refuses it.
                SoftHsmTokenTest.assertEveryExportAttemptFails(t, k, true);
                assertThatThrownBy(() -> TokenSigner.on(t, Pkcs11Uri.parse("pkcs11:object=tpm-key")))
                        .hasMessageContaining("not hardware-bound")
                        .hasMessageContaining("CKA_EXTRACTABLE=true");
            }
        }
    }
}
