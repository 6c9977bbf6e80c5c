package dev.psk.attest.enrol;

import java.io.Reader;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Test CA: issues EK-like certificates (any key, validity and key usage) with a given signing key. */
record EkCertIssuer(X509Certificate cert, PrivateKey key) {
    private static long serial = 1000;

    /** The swtpm local CA's intermediate (issuercert.pem, signkey.pem in {@code caDir}). */
    static EkCertIssuer swtpmLocalCa(Path caDir) throws Exception {
        X509Certificate c;
        try (var in = Files.newInputStream(caDir.resolve("issuercert.pem"))) {
            c = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        try (Reader r = Files.newBufferedReader(caDir.resolve("signkey.pem"));
                PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            PrivateKey k = new JcaPEMKeyConverter().getKeyPair((PEMKeyPair) o).getPrivate();
            return new EkCertIssuer(c, k);
        }
    }

    /** A self-signed root nobody configured. */
    static EkCertIssuer selfMadeRoot() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair kp = g.generateKeyPair();
        X500Name name = new X500Name("CN=not a TPM maker");
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                name,
                BigInteger.ONE,
                Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(Duration.ofDays(365))),
                name,
                kp.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign));
        X509Certificate c = new JcaX509CertificateConverter()
                .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withRSA").build(kp.getPrivate())));
        return new EkCertIssuer(c, kp.getPrivate());
    }

    /** An end-entity certificate for {@code subjectKey}, DER. */
    byte[] issue(PublicKey subjectKey, Instant notBefore, Instant notAfter, int keyUsage) throws Exception {
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                cert,
                BigInteger.valueOf(serial++),
                Date.from(notBefore),
                Date.from(notAfter),
                new X500Name("CN=test EK"),
                subjectKey);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
        return b.build(new JcaContentSignerBuilder("SHA256withRSA").build(key)).getEncoded();
    }
}
