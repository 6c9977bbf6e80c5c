package dev.psk.attest.enrol;

import dev.psk.attest.enrol.EnrolmentException.Reason;
import dev.psk.attest.tpm.TpmtPublic;
import java.io.ByteArrayInputStream;
import java.security.InvalidAlgorithmParameterException;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * Validates an EK certificate (TCG EK Credential Profile v2.5 §3) with the JDK's PKIX path
 * builder, and binds it to the EK the TPM presented. The JDK parses the TPM quirks these
 * certificates carry — an empty or placeholder subject with a critical SubjectAltName holding the
 * TPM manufacturer, model and firmware attributes (2.23.133.2.1-3), the EK certificate EKU
 * 2.23.133.8.1 and a subject-directory-attributes extension — and refuses any critical extension
 * it does not know, which is the fail-closed behaviour wanted here.
 *
 * <p>Checks, in order, each a named {@link Reason}: the DER is one certificate; it is within its
 * validity period; it is an end-entity certificate whose key usage fits an EK (keyEncipherment for
 * RSA, keyAgreement for ECC) and whose EKU, if present, includes 2.23.133.8.1; a path leads to a
 * configured root (revocation is not checked: TPM makers' CRLs are not reachable offline); its key
 * is the EK's.
 */
public final class EkCertificateValidator {
    /** tcg-kp-EKCertificate. */
    public static final String EKU_EK_CERTIFICATE = "2.23.133.8.1";

    private static final int KU_KEY_ENCIPHERMENT = 2;
    private static final int KU_KEY_AGREEMENT = 4;

    private EkCertificateValidator() {}

    /** Parses one DER certificate, with nothing after it. */
    public static X509Certificate parse(byte[] der) throws EnrolmentException {
        try {
            X509Certificate c = (X509Certificate)
                    CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
            if (c.getEncoded().length != der.length) {
                throw new EnrolmentException(
                        Reason.EK_CERT_MALFORMED,
                        (der.length - c.getEncoded().length) + " bytes after the certificate");
            }
            return c;
        } catch (CertificateException | ClassCastException e) {
            throw new EnrolmentException(Reason.EK_CERT_MALFORMED, "not an X.509 certificate (" + e.getMessage() + ")");
        }
    }

    /** Validates {@code der} as an EK certificate chaining to {@code trust} at {@code now}; returns it parsed. */
    public static X509Certificate validate(byte[] der, EkTrust trust, Instant now) throws EnrolmentException {
        X509Certificate cert = parse(der);
        try {
            cert.checkValidity(Date.from(now));
        } catch (CertificateExpiredException e) {
            throw new EnrolmentException(
                    Reason.EK_CERT_EXPIRED, "expired " + cert.getNotAfter().toInstant() + " (now " + now + ")");
        } catch (CertificateNotYetValidException e) {
            throw new EnrolmentException(
                    Reason.EK_CERT_NOT_YET_VALID,
                    "not valid before " + cert.getNotBefore().toInstant() + " (now " + now + ")");
        }
        requireEkUsage(cert);
        requireChain(cert, trust, now);
        return cert;
    }

    /** Requires that the certificate's key is the EK's public key. */
    public static void requireSameKey(X509Certificate cert, TpmtPublic ek) throws EnrolmentException {
        if (!ek.sameKey(cert.getPublicKey())) {
            throw new EnrolmentException(
                    Reason.EK_KEY_MISMATCH,
                    "the certificate certifies another key than the EK the TPM presented ("
                            + describe(cert.getPublicKey()) + " in the certificate)");
        }
    }

    private static void requireEkUsage(X509Certificate cert) throws EnrolmentException {
        if (cert.getBasicConstraints() != -1) {
            throw new EnrolmentException(Reason.EK_CERT_KEY_USAGE, "is a CA certificate, not an EK certificate");
        }
        boolean[] ku = cert.getKeyUsage();
        PublicKey key = cert.getPublicKey();
        int need = key instanceof RSAPublicKey ? KU_KEY_ENCIPHERMENT : KU_KEY_AGREEMENT;
        String needName = key instanceof RSAPublicKey ? "keyEncipherment" : "keyAgreement";
        if (!(key instanceof RSAPublicKey) && !(key instanceof ECPublicKey)) {
            throw new EnrolmentException(Reason.EK_CERT_KEY_USAGE, "key is neither RSA nor EC: " + key.getAlgorithm());
        }
        if (ku == null || ku.length <= need || !ku[need]) {
            throw new EnrolmentException(
                    Reason.EK_CERT_KEY_USAGE,
                    "key usage lacks " + needName + " (" + (ku == null ? "no keyUsage extension" : usage(ku)) + ")");
        }
        try {
            List<String> eku = cert.getExtendedKeyUsage();
            if (eku != null && !eku.contains(EKU_EK_CERTIFICATE)) {
                throw new EnrolmentException(
                        Reason.EK_CERT_KEY_USAGE,
                        "extended key usage " + eku + " lacks tcg-kp-EKCertificate " + EKU_EK_CERTIFICATE);
            }
        } catch (java.security.cert.CertificateParsingException e) {
            throw new EnrolmentException(Reason.EK_CERT_MALFORMED, "extended key usage: " + e.getMessage());
        }
    }

    private static void requireChain(X509Certificate cert, EkTrust trust, Instant now) throws EnrolmentException {
        try {
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(cert);
            PKIXBuilderParameters params = new PKIXBuilderParameters(trust.anchors(), target);
            List<X509Certificate> pool = new ArrayList<>(trust.intermediates());
            pool.add(cert);
            params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(pool)));
            params.setRevocationEnabled(false);
            params.setDate(Date.from(now));
            CertPathBuilder.getInstance("PKIX").build(params);
        } catch (CertPathBuilderException e) {
            throw new EnrolmentException(
                    Reason.EK_CERT_UNTRUSTED,
                    "no valid path from issuer \""
                            + cert.getIssuerX500Principal().getName() + "\" to a configured root (" + e.getMessage()
                            + ")");
        } catch (InvalidAlgorithmParameterException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("PKIX unavailable", e);
        }
    }

    private static String usage(boolean[] ku) {
        String[] names = {
            "digitalSignature",
            "nonRepudiation",
            "keyEncipherment",
            "dataEncipherment",
            "keyAgreement",
            "keyCertSign",
            "cRLSign",
            "encipherOnly",
            "decipherOnly"
        };
        List<String> set = new ArrayList<>();
        for (int i = 0; i < ku.length && i < names.length; i++) {
            if (ku[i]) {
                set.add(names[i]);
            }
        }
        return set.isEmpty() ? "none" : String.join(", ", set);
    }

    private static String describe(PublicKey k) {
        if (k instanceof RSAPublicKey r) {
            return "RSA " + r.getModulus().bitLength();
        }
        if (k instanceof ECPublicKey e) {
            return "EC " + e.getParams().getOrder().bitLength();
        }
        return k.getAlgorithm();
    }
}
