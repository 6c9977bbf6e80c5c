package dev.psk.attest.enrol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.psk.attest.Swtpm;
import dev.psk.attest.credential.Credential;
import dev.psk.attest.credential.CredentialMaker;
import dev.psk.attest.quote.AkSource;
import dev.psk.attest.tpm.AkKeys;
import dev.psk.attest.tpm.EkTemplate;
import dev.psk.attest.tpm.Tpm;
import dev.psk.attest.tpm.Tpm2;
import dev.psk.attest.tpm.TpmAddress;
import dev.psk.attest.tpm.TpmException;
import dev.psk.attest.tpm.TpmWriter;
import dev.psk.common.Hex;
import dev.psk.common.testing.Processes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

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

    /** tpm2_makecredential (in software, -T none) makes it; the project activates it in the TPM. */
    @ParameterizedTest
    @EnumSource(
            value = EkTemplate.class,
            names = {"RSA_2048", "ECC_P256"})
    void tpm2MakecredentialIsActivatedByTheProject(EkTemplate template) throws Exception {
        byte[] secret = "made by tpm2_makecredential -T no".getBytes(StandardCharsets.US_ASCII);
        secret = Arrays.copyOf(secret, 32);
        Path d = swtpm.dir();
        try (Tpm tpm = Tpm.open(TpmAddress.parse(swtpm.address()))) {
            Tpm.Loaded ek = tpm.createPrimary(Tpm2.TPM_RH_ENDORSEMENT, template.template());
            Tpm.Loaded ak = Enroller.loadAk(tpm, AkSource.ecc());
            try {
                String tag = template.optionName();
                Files.write(
                        d.resolve("proj-ek-" + tag + ".pub"),
                        new TpmWriter().tpm2b(ek.publicArea().raw()).toByteArray());
                Files.write(d.resolve("secret-" + tag), secret);
                Processes.run(
                                List.of(
                                        "tpm2_makecredential",
                                        "-T",
                                        "none",
                                        "-u",
                                        "proj-ek-" + tag + ".pub",
                                        "-s",
                                        "secret-" + tag,
                                        "-n",
                                        Hex.encode(ak.name()),
                                        "-o",
                                        "tools-" + tag + ".cred"),
                                Map.of(),
                                d,
                                Duration.ofMinutes(1))
                        .requireSuccess("tpm2_makecredential");
                Credential c = Credential.fromToolsFile(Files.readAllBytes(d.resolve("tools-" + tag + ".cred")));
                assertThat(Enroller.activate(tpm, ak.handle(), ek, c)).isEqualTo(secret);
            } finally {
                tpm.flush(ak.handle());
                tpm.flush(ek.handle());
            }
        }
    }

    /** The project makes it (no TPM involved); tpm2_activatecredential releases it for a tpm2_createak AK. */
    @ParameterizedTest
    @ValueSource(strings = {"rsa", "ecc"})
    void projectCredentialIsActivatedByTpm2Activatecredential(String alg) throws Exception {
        Path d = swtpm.dir();
        swtpm.toolOk("tpm2_createek", "-c", "t-ek-" + alg + ".ctx", "-G", alg, "-u", "t-ek-" + alg + ".pub");
        swtpm.toolOk(
                "tpm2_createak",
                "-C",
                "t-ek-" + alg + ".ctx",
                "-c",
                "t-ak-" + alg + ".ctx",
                "-G",
                "ecc",
                "-g",
                "sha256",
                "-s",
                "ecdsa",
                "-n",
                "t-ak-" + alg + ".name");
        byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        Credential c = CredentialMaker.make(
                AkKeys.tpmPublic(Files.readAllBytes(d.resolve("t-ek-" + alg + ".pub"))),
                Files.readAllBytes(d.resolve("t-ak-" + alg + ".name")),
                secret);
        Files.write(d.resolve("proj-" + alg + ".cred"), c.toToolsFile());
        swtpm.toolOk("tpm2_startauthsession", "--policy-session", "-S", "t-s-" + alg + ".ctx");
        swtpm.toolOk("tpm2_policysecret", "-S", "t-s-" + alg + ".ctx", "-c", "e");
        var act = swtpm.tool(
                "tpm2_activatecredential",
                "-c",
                "t-ak-" + alg + ".ctx",
                "-C",
                "t-ek-" + alg + ".ctx",
                "-i",
                "proj-" + alg + ".cred",
                "-o",
                "proj-" + alg + ".out",
                "-P",
                "session:t-s-" + alg + ".ctx");
        swtpm.tool("tpm2_flushcontext", "t-s-" + alg + ".ctx");
        act.requireSuccess("tpm2_activatecredential");
        assertThat(Files.readAllBytes(d.resolve("proj-" + alg + ".out"))).isEqualTo(secret);
    }
}
