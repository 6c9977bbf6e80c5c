package dev.psk.attest.enrol;

import dev.psk.attest.AttestException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The EK certificate authorities a verifier trusts ({@code --ek-roots DIR}): every {@code .pem},
 * {@code .crt}, {@code .cer} or {@code .der} file in the directory, each holding one or more
 * certificates. Self-signed certificates become trust anchors; the others are intermediates
 * offered to path building (TPM makers publish their intermediate CAs next to their roots, and
 * the TPM stores only the EK certificate).
 */
public record EkTrust(Set<TrustAnchor> anchors, List<X509Certificate> intermediates) {
    private static final long MAX_FILE_BYTES = 1 << 20;

    public static EkTrust load(Path dir) throws AttestException {
        if (!Files.isDirectory(dir)) {
            throw new AttestException("EK roots " + dir + ": not a directory");
        }
        Set<TrustAnchor> anchors = new HashSet<>();
        List<X509Certificate> intermediates = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().matches("(?i).*\\.(pem|crt|cer|der)"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new AttestException("EK roots " + dir + ": cannot list: " + dev.psk.common.IoErrors.reason(e));
        }
        for (Path f : files) {
            for (X509Certificate c : read(f)) {
                if (selfSigned(c)) {
                    anchors.add(new TrustAnchor(c, null));
                } else {
                    intermediates.add(c);
                }
            }
        }
        if (anchors.isEmpty()) {
            throw new AttestException("EK roots " + dir + ": no self-signed root certificate in " + files.size()
                    + " certificate file(s)");
        }
        return new EkTrust(Set.copyOf(anchors), List.copyOf(intermediates));
    }

    private static Collection<X509Certificate> read(Path f) throws AttestException {
        try {
            if (Files.size(f) > MAX_FILE_BYTES) {
                throw new AttestException("EK roots: " + f + " is larger than " + MAX_FILE_BYTES + " bytes");
            }
            byte[] b = Files.readAllBytes(f);
            List<X509Certificate> out = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(b))) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new AttestException("EK roots: " + f + " holds no certificate");
            }
            return out;
        } catch (IOException | CertificateException e) {
            throw new AttestException("EK roots: " + f + " is not a certificate file (" + e.getMessage() + ")");
        }
    }

    private static boolean selfSigned(X509Certificate c) {
        if (!c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
            return false;
        }
        try {
            c.verify(c.getPublicKey());
            return true;
        } catch (java.security.GeneralSecurityException e) {
            return false;
        }
    }
}
