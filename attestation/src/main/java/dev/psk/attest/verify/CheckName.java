package dev.psk.attest.verify;

/**
 * The checks of {@link QuoteVerifier}, in the order they are evaluated and reported
 * (docs/attestation.md, "Check order"). The first failing check gives the verdict's reason.
 */
public enum CheckName {
    /** TPMS_ATTEST parses as a whole (no trailing bytes, sizes within bounds). */
    PARSE("parse"),
    /** magic is TPM_GENERATED_VALUE 0xff544347: the TPM produced the structure. */
    MAGIC("magic"),
    /** type is TPM_ST_ATTEST_QUOTE 0x8018 (not TIME, CERTIFY, …). */
    TYPE("type"),
    /** The signature parses as a TPMT_SIGNATURE, a DER ECDSA or a raw RSA signature. */
    SIGNATURE_FORMAT("signature-format"),
    /** The signature's scheme and hash are those of the pinned AK (no downgrade). */
    SIGNATURE_SCHEME("signature-scheme"),
    /** The signature verifies over the TPMS_ATTEST bytes with the pinned AK. */
    SIGNATURE("signature"),
    /** extraData equals the verifier's nonce (constant-time). */
    NONCE("nonce"),
    /** The quoted PCR selection equals the demanded one exactly. */
    PCR_SELECTION("pcr-selection"),
    /** The supplied PCR values have the length the selection implies. */
    PCR_VALUES("pcr-values"),
    /** pcrDigest equals H(concatenated supplied values). */
    PCR_DIGEST("pcr-digest"),
    /** The event log replays to the supplied values (when a log is given). */
    EVENT_LOG("event-log"),
    /** Every policy PCR is quoted and equals its golden value (when a policy is given). */
    POLICY("policy"),
    /** Clock safe flag and boot counters not older than the last seen (when asked). */
    CLOCK("clock");

    private final String label;

    CheckName(String label) {
        this.label = label;
    }

    /** Stable name used in reasons and in the JSON verdict. */
    public String label() {
        return label;
    }
}
