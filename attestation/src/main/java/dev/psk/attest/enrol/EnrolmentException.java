package dev.psk.attest.enrol;

import dev.psk.attest.AttestException;

/** An enrolment step refused its input; {@link #reason()} names the check that failed. */
public final class EnrolmentException extends AttestException {
    private static final long serialVersionUID = 1L;

    /** The named rejections, in the order the verifier checks them. */
    public enum Reason {
        REQUEST_MALFORMED("request"),
        EK_CERT_MALFORMED("ek-cert-malformed"),
        EK_CERT_EXPIRED("ek-cert-expired"),
        EK_CERT_NOT_YET_VALID("ek-cert-not-yet-valid"),
        EK_CERT_KEY_USAGE("ek-cert-key-usage"),
        EK_CERT_UNTRUSTED("ek-cert-untrusted"),
        EK_KEY_MISMATCH("ek-key-mismatch"),
        EK_NOT_AN_EK("ek-public"),
        AK_ATTRIBUTES("ak-attributes"),
        AK_NAME_MISMATCH("ak-name"),
        ANSWER_MALFORMED("answer"),
        CHALLENGE_UNKNOWN("challenge-unknown"),
        CHALLENGE_USED("challenge-used"),
        CHALLENGE_EXPIRED("challenge-expired"),
        ANSWER_WRONG("answer-wrong");

        private final String label;

        Reason(String label) {
            this.label = label;
        }

        /** The name printed after {@code REJECT:}. */
        public String label() {
            return label;
        }
    }

    private final Reason reason;

    public EnrolmentException(Reason reason, String detail) {
        super(reason.label() + ": " + detail);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
