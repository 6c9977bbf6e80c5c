package dev.psk.tunnel.handshake;

/**
 * Why a well-authenticated handshake was refused. Carried in REJECT (code) and logged on both sides
 * with the identity fingerprint only, never key material.
 */
public enum Refusal {
    UNKNOWN_IDENTITY(1, "identity is not pinned"),
    DISABLED_IDENTITY(2, "identity is pinned but disabled"),
    BAD_SIGNATURE(3, "signature does not verify under the pinned key (a different key under the same label?)"),
    MISSING_SIGNATURE(4, "no signature, but this end requires one"),
    SERIAL_NOT_ALLOWED(5, "salted serial id is not in the allowlist"),
    MISSING_QUOTE(6, "no TPM quote, but this end requires one"),
    QUOTE_REJECTED(7, "TPM quote does not satisfy the policy"),
    CANNOT_SIGN(8, "the peer could not sign (token unavailable)"),
    CANNOT_QUOTE(9, "the peer could not produce a quote (TPM unavailable)"),
    OTHER(15, "refused");

    private final int code;
    private final String description;

    Refusal(int code, String description) {
        this.code = code;
        this.description = description;
    }

    public int code() {
        return code;
    }

    public String description() {
        return description;
    }

    /** Unknown codes (a newer peer) map to {@link #OTHER}. */
    public static Refusal fromCode(int code) {
        for (Refusal r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        return OTHER;
    }
}
