package dev.psk.attest.enrol;

import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/**
 * The TPM described by an EK certificate's SubjectAltName directoryName (TCG EK Credential
 * Profile §3.2.9): tcg-at-tpmManufacturer (2.23.133.2.1, e.g. "id:00001014"), tcg-at-tpmModel
 * (2.23.133.2.2) and tcg-at-tpmVersion (2.23.133.2.3). Informational: recorded with the pinned AK,
 * never used to decide.
 */
public record TpmIdentity(String manufacturer, String model, String version) {
    private static final String UNKNOWN = "unknown";

    public static TpmIdentity of(X509Certificate cert) {
        String[] v = {UNKNOWN, UNKNOWN, UNKNOWN};
        byte[] ext = cert.getExtensionValue("2.5.29.17");
        if (ext == null) {
            return new TpmIdentity(v[0], v[1], v[2]);
        }
        try {
            GeneralNames names =
                    GeneralNames.getInstance(ASN1OctetString.getInstance(ext).getOctets());
            for (GeneralName n : names.getNames()) {
                if (n.getTagNo() != GeneralName.directoryName) {
                    continue;
                }
                for (RDN rdn : X500Name.getInstance(n.getName()).getRDNs()) {
                    for (AttributeTypeAndValue atv : rdn.getTypesAndValues()) {
                        String oid = atv.getType().getId();
                        int i = switch (oid) {
                            case "2.23.133.2.1" -> 0;
                            case "2.23.133.2.2" -> 1;
                            case "2.23.133.2.3" -> 2;
                            default -> -1;
                        };
                        if (i >= 0) {
                            v[i] = string(atv.getValue());
                        }
                    }
                }
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            // A SAN that BC cannot read: the JDK accepted it, and these fields are informational.
        }
        return new TpmIdentity(v[0], v[1], v[2]);
    }

    private static String string(ASN1Encodable value) {
        return value instanceof ASN1String s ? s.getString() : value.toString();
    }
}
