package dev.psk.attest.enrol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.psk.attest.AttestException;
import dev.psk.attest.TpmFormatException;
import dev.psk.attest.enrol.EnrolmentException.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without a TPM: malformed EK certificates, NV padding, trust directories, a CA certificate as EK. */
class EkCertificateParseTest {
    @Test
    void derInsideAPaddedNvIndexIsCutToItsLength() throws Exception {
        byte[] cert = EkCertIssuer.selfMadeRoot().cert().getEncoded();
        byte[] padded = Arrays.copyOf(cert, cert.length + 100);
        Arrays.fill(padded, cert.length, padded.length, (byte) 0xff);
        assertThat(Enroller.derLength(padded, 0x01c00002)).isEqualTo(cert.length);
        assertThatThrownBy(() -> Enroller.derLength(Arrays.copyOf(cert, cert.length - 1), 1))
                .isInstanceOf(TpmFormatException.class)
                .hasMessageContaining("DER says");
        assertThatThrownBy(() -> Enroller.derLength(new byte[] {0x31, 0}, 1)).hasMessageContaining("SEQUENCE");
        assertThatThrownBy(() -> Enroller.derLength(new byte[] {0x30, (byte) 0x84, 1, 1, 1, 1}, 1))
                .hasMessageContaining("length");
        assertThatThrownBy(() -> Enroller.derLength(new byte[0], 1)).isInstanceOf(TpmFormatException.class);
    }

    @Test
    void garbageAndTrailingBytesAreMalformed() throws Exception {
        byte[] cert = EkCertIssuer.selfMadeRoot().cert().getEncoded();
        for (byte[] bad : new byte[][] {new byte[0], {0x30, 0x03, 1, 2, 3}, Arrays.copyOf(cert, cert.length - 10)}) {
            assertThatThrownBy(() -> EkCertificateValidator.parse(bad))
                    .isInstanceOfSatisfying(
                            EnrolmentException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.EK_CERT_MALFORMED));
        }
        byte[] trailing = Arrays.copyOf(cert, cert.length + 2);
        assertThatThrownBy(() -> EkCertificateValidator.parse(trailing)).hasMessageContaining("after the certificate");
    }

    @Test
    void caCertificateIsNotAnEkCertificate(@TempDir Path dir) throws Exception {
        EkCertIssuer root = EkCertIssuer.selfMadeRoot();
        Files.write(dir.resolve("root.der"), root.cert().getEncoded());
        EkTrust trust = EkTrust.load(dir);
        assertThatThrownBy(() -> EkCertificateValidator.validate(root.cert().getEncoded(), trust, Instant.now()))
                .isInstanceOfSatisfying(
                        EnrolmentException.class, e -> assertThat(e.reason()).isEqualTo(Reason.EK_CERT_KEY_USAGE));
        // Control: an end-entity certificate it issued with keyEncipherment passes.
        var k = java.security.KeyPairGenerator.getInstance("RSA");
        k.initialize(2048);
        byte[] ee = root.issue(
                k.generateKeyPair().getPublic(),
                Instant.now().minusSeconds(5),
                Instant.now().plusSeconds(60),
                KeyUsage.keyEncipherment);
        EkCertificateValidator.validate(ee, trust, Instant.now());
    }

    @Test
    void trustDirectoryMustHoldARoot(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> EkTrust.load(dir.resolve("missing"))).isInstanceOf(AttestException.class);
        assertThatThrownBy(() -> EkTrust.load(dir)).hasMessageContaining("no self-signed root");
        Files.writeString(dir.resolve("junk.pem"), "not a certificate");
        assertThatThrownBy(() -> EkTrust.load(dir)).hasMessageContaining("junk.pem");
    }
}
