package dev.psk.identity;

/** How an ECDSA signature is encoded. */
public enum SignatureFormat {
    /** ASN.1 DER Ecdsa-Sig-Value (RFC 3279 section 2.2.3): JCA "SHA256withECDSA", X.509, TLS. Up to 72 bytes. */
    DER,
    /** IEEE P1363: r ‖ s, each 32 bytes big-endian: JCA "SHA256withECDSAinP1363Format", PKCS#11 CKM_ECDSA output. */
    P1363;

    /** The JCA algorithm name for ECDSA with SHA-256 in this format. */
    public String jcaAlgorithm() {
        return this == DER ? "SHA256withECDSA" : "SHA256withECDSAinP1363Format";
    }
}
