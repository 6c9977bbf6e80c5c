package dev.psk.attest.enrol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.psk.attest.Swtpm;
import dev.psk.attest.credential.Credential;
import dev.psk.attest.credential.CredentialMaker;
import dev.psk.attest.quote.AkSource;
import dev.psk.attest.tpm.EkTemplate;
import dev.psk.attest.tpm.Tpm;
import dev.psk.attest.tpm.Tpm2;
import dev.psk.attest.tpm.TpmAddress;
import dev.psk.attest.tpm.TpmException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * MakeCredential in Java against ActivateCredential in a real (software) TPM, for every EK
 * template: the seed encryption (RSA-OAEP, ECDH + KDFe), KDFa, AES-CFB and the HMAC all have to
 * agree with the TPM's, or activation fails.
 */
@Tag("tpm")
class CredentialActivationTpmTest {
    static Swtpm swtpm;

    @BeforeAll
    static void start() throws Exception {
        swtpm = Swtpm.startManufactured();
    }

    @AfterAll
    static void stop() {
        if (swtpm != null) {
            swtpm.close();
        }
    }

    @ParameterizedTest
    @EnumSource(EkTemplate.class)
    void javaCredentialActivatesInTheTpm(EkTemplate template) throws Exception {
        byte[] secret = "a 32-byte credential for the AK!".getBytes(StandardCharsets.US_ASCII);
        try (Tpm tpm = Tpm.open(TpmAddress.parse(swtpm.address()))) {
            Tpm.Loaded ek = tpm.createPrimary(Tpm2.TPM_RH_ENDORSEMENT, template.template());
            Tpm.Loaded ak = Enroller.loadAk(tpm, AkSource.ecc());
            try {
                Credential c = CredentialMaker.make(ek.publicArea(), ak.name(), secret);
                assertThat(Enroller.activate(tpm, ak.handle(), ek, c)).isEqualTo(secret);

                // The same credential for another Name: the TPM's integrity check refuses it.
                byte[] otherName = ak.name().clone();
                otherName[otherName.length - 1] ^= 1;
                Credential wrong = CredentialMaker.make(ek.publicArea(), otherName, secret);
                assertThatThrownBy(() -> Enroller.activate(tpm, ak.handle(), ek, wrong))
                        .isInstanceOf(TpmException.class)
                        .hasMessageContaining("TPM2_ActivateCredential");

                // A flipped bit in the encrypted identity: refused too.
                byte[] id = c.idObject().clone();
                id[id.length - 1] ^= 1;
                assertThatThrownBy(
                                () -> Enroller.activate(tpm, ak.handle(), ek, new Credential(id, c.encryptedSecret())))
                        .isInstanceOf(TpmException.class);
            } finally {
                tpm.flush(ak.handle());
                tpm.flush(ek.handle());
            }
        }
        assertThat(swtpm.transientObjects()).isZero();
    }

    @ParameterizedTest
    @EnumSource(
            value = EkTemplate.class,
            names = {"RSA_2048", "ECC_P384"})
    void standardTemplateGivesTheKeySwtpmSetupCertified(EkTemplate template) throws Exception {
        try (Tpm tpm = Tpm.open(TpmAddress.parse(swtpm.address()))) {
            byte[] cert = Enroller.readEkCertificate(tpm, template);
            Tpm.Loaded ek = tpm.createPrimary(Tpm2.TPM_RH_ENDORSEMENT, template.template());
            try {
                var x509 = EkCertificateValidator.parse(cert);
                EkCertificateValidator.requireSameKey(x509, ek.publicArea());
                int persistent = template == EkTemplate.RSA_2048 ? 0x81010001 : 0x81010016;
                assertThat(Arrays.equals(
                                tpm.readPublic(persistent).publicArea().raw(),
                                ek.publicArea().raw()))
                        .isTrue();
            } finally {
                tpm.flush(ek.handle());
            }
        }
    }
}
