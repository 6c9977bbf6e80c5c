package dev.psk.attest.verify;

/** How a quote signature was encoded on input. */
public enum SignatureFormat {
    /** TPMT_SIGNATURE, {@code tpm2_quote -s} default ({@code -f tss}). */
    TPMT,
    /** DER ECDSA, {@code tpm2_quote -f plain} with an ECC key. */
    PLAIN_DER,
    /** Raw RSA signature (modulus-length bytes), {@code tpm2_quote -f plain} with an RSA key. */
    PLAIN_RSA
}
