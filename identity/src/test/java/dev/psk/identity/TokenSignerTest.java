package dev.psk.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.psk.common.testing.Processes;
import dev.psk.identity.pkcs11.PinSource;
import dev.psk.identity.pkcs11.Pkcs11Exception;
import dev.psk.identity.pkcs11.Pkcs11Token;
import dev.psk.identity.pkcs11.Pkcs11Uri;
import dev.psk.identity.pkcs11.TokenSigner;
import dev.psk.identity.testing.SoftHsm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** TokenSigner on SoftHSM2; signatures checked by Verifier and by openssl with the exported PEM. */
@Tag("token")
class TokenSignerTest {

    @Test
    void signsThroughTheTokenAndOpensslVerifies() throws Exception {
        try (SoftHsm hsm = new SoftHsm().activate()) {
            hsm.initToken("signer", "so-1234", "pin-1234");
            Path pin = hsm.dir().resolve("pin");
            Files.writeString(pin, "pin-1234");
            try (Pkcs11Token t = Pkcs11Token.open(Pkcs11Uri.parse(hsm.uri("signer")), PinSource.file(pin))) {
                t.generateEcP256("dev", new byte[] {9});
            }
            Pkcs11Uri keyUri = Pkcs11Uri.parse("pkcs11:token=signer;object=dev;type=private?module-path="
                    + SoftHsm.MODULE + "&pin-source=file:" + pin);
            byte[] msg = "handshake transcript".getBytes();
            try (TokenSigner s = TokenSigner.open(keyUri, PinSource.none())) {
                Path pem = hsm.dir().resolve("dev.pub.pem");
                Files.writeString(pem, Pem.encode(s.publicKey()));
                Files.write(hsm.dir().resolve("msg"), msg);
                for (SignatureFormat f : SignatureFormat.values()) {
                    byte[] sig = s.sign(msg, f);
                    assertThat(Verifier.verify(s.publicKey(), msg, sig, f)).isTrue();
                    assertThat(Verifier.verify(s.publicKey(), "x".getBytes(), sig, f))
                            .isFalse();
                }
                Files.write(hsm.dir().resolve("sig.der"), s.sign(msg, SignatureFormat.DER));
                Processes.Result r = Processes.run(
                        List.of(
                                "openssl",
                                "dgst",
                                "-sha256",
                                "-verify",
                                pem.toString(),
                                "-signature",
                                hsm.dir().resolve("sig.der").toString(),
                                hsm.dir().resolve("msg").toString()),
                        null,
                        null,
                        Duration.ofSeconds(30));
                assertThat(r.stdout()).contains("Verified OK");
                assertThat(s.identityId()).isEqualTo(IdentityId.of(s.publicKey()));
            }
            assertThatThrownBy(() -> TokenSigner.open(
                            Pkcs11Uri.parse("pkcs11:token=signer;object=other?module-path=" + SoftHsm.MODULE),
                            PinSource.file(pin)))
                    .isInstanceOf(Pkcs11Exception.KeyNotFoundException.class)
                    .hasMessageContaining("'dev'");
        }
    }
}
