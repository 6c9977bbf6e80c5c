package dev.psk.attest.verify;

/** The outcome of one check of a quote verification. */
public record Check(CheckName name, Status status, String detail) {
    /** PASS and FAIL are judgements; SKIP means not evaluated (input missing or an earlier parse failed). */
    public enum Status {
        PASS,
        FAIL,
        SKIP
    }

    public static Check pass(CheckName name, String detail) {
        return new Check(name, Status.PASS, detail);
    }

    public static Check fail(CheckName name, String detail) {
        return new Check(name, Status.FAIL, detail);
    }

    public static Check skip(CheckName name, String detail) {
        return new Check(name, Status.SKIP, detail);
    }

    public boolean failed() {
        return status == Status.FAIL;
    }
}
