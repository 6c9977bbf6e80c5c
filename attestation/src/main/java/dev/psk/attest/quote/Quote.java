package dev.psk.attest.quote;

import dev.psk.attest.tpm.PcrSelection;
import dev.psk.attest.tpm.TpmtPublic;
import java.security.PublicKey;

/**
 * A fresh quote in the formats tpm2-tools uses: {@code attest} is the raw TPMS_ATTEST ({@code
 * tpm2_quote -m}), {@code signature} the TPMT_SIGNATURE ({@code -s}), {@code pcrValues} the PCR
 * values concatenated in selection order ({@code -F values}); {@code ak} is the signing key, whose
 * PEM form goes to a verifier to pin. Feed the first three to
 * {@link dev.psk.attest.verify.QuoteEvidence}.
 */
public record Quote(
        byte[] attest, byte[] signature, byte[] pcrValues, PcrSelection selection, PublicKey ak, TpmtPublic akPublic) {}
