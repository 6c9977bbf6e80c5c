package dev.psk.attest.verify;

/**
 * What a prover hands a verifier: the raw TPMS_ATTEST the TPM signed ({@code tpm2_quote -m}), the
 * signature (TPMT_SIGNATURE, DER ECDSA or raw RSA), the PCR values concatenated in selection order
 * ({@code tpm2_quote -F values}) and optionally a TCG crypto-agile event log. Arrays are not copied:
 * callers must not change them while a verification runs.
 *
 * @param eventLog {@code null} when no log is supplied
 */
public record QuoteEvidence(byte[] attest, byte[] signature, byte[] pcrValues, byte[] eventLog) {
    public QuoteEvidence {
        if (attest == null || signature == null || pcrValues == null) {
            throw new IllegalArgumentException("attest, signature and pcrValues are required (eventLog may be null)");
        }
    }

    public QuoteEvidence(byte[] attest, byte[] signature, byte[] pcrValues) {
        this(attest, signature, pcrValues, null);
    }
}
