package dev.psk.attest.verify;

import dev.psk.attest.tpm.TpmsAttest;
import java.util.List;

/**
 * The result of {@link QuoteVerifier#verify}: accepted only when no check failed. {@link #reason()}
 * is "ok" on accept, else "{@code <check>: <detail>}" of the first failed check in {@link CheckName}
 * order. {@link #attest()} is the parsed structure (null when it did not parse); trust its fields
 * only when accepted.
 */
public record Verdict(boolean accepted, String reason, List<Check> checks, TpmsAttest attest) {
    public Verdict {
        checks = List.copyOf(checks);
    }

    static Verdict of(List<Check> checks, TpmsAttest attest) {
        for (Check c : checks) {
            if (c.failed()) {
                return new Verdict(false, c.name().label() + ": " + c.detail(), checks, attest);
            }
        }
        return new Verdict(true, "ok", checks, attest);
    }

    /** The one-line verdict the CLI prints: {@code ACCEPT} or {@code REJECT: <reason>}. */
    public String line() {
        return accepted ? "ACCEPT" : "REJECT: " + reason;
    }

    /** The first failed check, or null when accepted. */
    public CheckName failedCheck() {
        return checks.stream()
                .filter(Check::failed)
                .map(Check::name)
                .findFirst()
                .orElse(null);
    }
}
