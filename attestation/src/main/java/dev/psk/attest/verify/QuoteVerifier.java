package dev.psk.attest.verify;

import dev.psk.attest.AttestException;
import dev.psk.attest.TpmFormatException;
import dev.psk.attest.eventlog.EventLog;
import dev.psk.attest.eventlog.EventLogReplay;
import dev.psk.attest.policy.PcrPolicy;
import dev.psk.attest.tpm.HashAlg;
import dev.psk.attest.tpm.PcrSelection;
import dev.psk.attest.tpm.ToolsPcrFile;
import dev.psk.attest.tpm.Tpm2;
import dev.psk.attest.tpm.TpmsAttest;
import dev.psk.common.Hex;
import dev.psk.common.Secrets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Verifies a TPM 2.0 quote against {@link Expectations}, strictly and completely: every check of
 * {@link CheckName} is evaluated in its order and reported; the quote is accepted only when none
 * fails. Unlike tpm2_checkquote 5.4 it rejects non-quote attestation structures (TPM_ST_ATTEST_TIME
 * from TPM2_GetTime signed by the same AK), signatures whose scheme or hash differ from the pinned
 * key's, and quotes over another PCR selection than the demanded one.
 *
 * <p>Never throws for bad evidence: malformed input is a rejected {@link Verdict} whose reason names
 * the parse error. Stateless and thread-safe. Typical use in a handshake:
 *
 * <pre>{@code
 * Expectations exp = Expectations.builder(pinnedAk, nonceISent, PcrSelection.parse("sha256:0-7"))
 *         .policy(goldenValues).build();
 * Verdict v = QuoteVerifier.verify(new QuoteEvidence(attest, sig, pcrValues), exp);
 * if (!v.accepted()) { drop the peer, log v.reason() }
 * }</pre>
 */
public final class QuoteVerifier {
    private QuoteVerifier() {}

    public static Verdict verify(QuoteEvidence evidence, Expectations exp) {
        List<Check> checks = new ArrayList<>(CheckName.values().length);
        TpmsAttest attest = null;
        try {
            attest = TpmsAttest.unmarshal(evidence.attest());
            checks.add(Check.pass(CheckName.PARSE, evidence.attest().length + " bytes"));
        } catch (TpmFormatException e) {
            checks.add(Check.fail(CheckName.PARSE, e.getMessage()));
        }
        if (attest == null) {
            for (CheckName n : CheckName.values()) {
                if (n != CheckName.PARSE) {
                    checks.add(Check.skip(n, "TPMS_ATTEST did not parse"));
                }
            }
            return Verdict.of(checks, null);
        }
        checks.add(
                attest.magic() == Tpm2.TPM_GENERATED_VALUE
                        ? Check.pass(CheckName.MAGIC, "0xff544347")
                        : Check.fail(
                                CheckName.MAGIC,
                                String.format("is 0x%08x, expected TPM_GENERATED_VALUE 0xff544347", attest.magic())));
        checks.add(
                attest.isQuote()
                        ? Check.pass(CheckName.TYPE, TpmsAttest.typeName(attest.type()))
                        : Check.fail(
                                CheckName.TYPE,
                                "is " + TpmsAttest.typeName(attest.type())
                                        + ", expected TPM_ST_ATTEST_QUOTE (0x8018)"));
        signatureChecks(evidence, exp, checks);
        nonceCheck(attest, exp, checks);
        if (!attest.isQuote()) {
            for (CheckName n : List.of(
                    CheckName.PCR_SELECTION,
                    CheckName.PCR_VALUES,
                    CheckName.PCR_DIGEST,
                    CheckName.EVENT_LOG,
                    CheckName.POLICY)) {
                checks.add(Check.skip(n, "not a quote"));
            }
        } else {
            pcrChecks(attest, evidence, exp, checks);
        }
        clockCheck(attest, exp, checks);
        return Verdict.of(checks, attest);
    }

    private static void signatureChecks(QuoteEvidence ev, Expectations exp, List<Check> checks) {
        QuoteSignatures.Decoded sig;
        try {
            sig = QuoteSignatures.decode(ev.signature(), exp.ak(), exp.hash(), exp.plainRsaScheme());
            checks.add(
                    Check.pass(CheckName.SIGNATURE_FORMAT, sig.format().name().toLowerCase(java.util.Locale.ROOT)));
        } catch (TpmFormatException e) {
            checks.add(Check.fail(CheckName.SIGNATURE_FORMAT, e.getMessage()));
            checks.add(Check.skip(CheckName.SIGNATURE_SCHEME, "signature did not parse"));
            checks.add(Check.skip(CheckName.SIGNATURE, "signature did not parse"));
            return;
        }
        String mismatch = QuoteSignatures.schemeMismatch(sig.signature(), exp.ak(), exp.hash());
        if (mismatch != null) {
            checks.add(Check.fail(CheckName.SIGNATURE_SCHEME, mismatch));
            checks.add(Check.skip(CheckName.SIGNATURE, "scheme not acceptable"));
            return;
        }
        checks.add(Check.pass(
                CheckName.SIGNATURE_SCHEME,
                dev.psk.attest.tpm.TpmtSignature.schemeName(sig.signature().scheme()) + " with "
                        + sig.signature().hash().toolName()));
        checks.add(
                QuoteSignatures.verify(sig.signature(), ev.attest(), exp.ak())
                        ? Check.pass(CheckName.SIGNATURE, "valid under the pinned AK")
                        : Check.fail(
                                CheckName.SIGNATURE,
                                "does not verify under the pinned AK (another key, or altered message)"));
    }

    private static void nonceCheck(TpmsAttest attest, Expectations exp, List<Check> checks) {
        byte[] want = exp.nonceRef();
        byte[] got = attest.extraData();
        // Lengths are public; contents are compared in constant time.
        boolean ok = got.length == want.length && Secrets.equal(got, want);
        checks.add(
                ok
                        ? Check.pass(CheckName.NONCE, want.length + " bytes match")
                        : Check.fail(
                                CheckName.NONCE,
                                "extraData (" + got.length + " bytes) differs from the expected nonce (" + want.length
                                        + " bytes)"));
    }

    private static void pcrChecks(TpmsAttest attest, QuoteEvidence ev, Expectations exp, List<Check> checks) {
        PcrSelection quoted = attest.quotePcrs();
        checks.add(
                quoted.equals(exp.pcrs())
                        ? Check.pass(CheckName.PCR_SELECTION, quoted.toString())
                        : Check.fail(CheckName.PCR_SELECTION, "quote covers " + quoted + ", demanded " + exp.pcrs()));
        byte[] values = ev.pcrValues();
        int want = quoted.valuesBytes();
        String format = "raw values";
        if (values.length != want && ToolsPcrFile.plausibleSize(values.length)) {
            try {
                ToolsPcrFile.Contents c = ToolsPcrFile.parse(values);
                if (!c.selection().equals(quoted)) {
                    checks.add(Check.fail(
                            CheckName.PCR_VALUES,
                            "tpm2-tools PCR file covers " + c.selection() + ", the quote " + quoted));
                    skipAfterValues(checks);
                    return;
                }
                values = c.values();
                format = "tpm2-tools serialized";
            } catch (TpmFormatException e) {
                checks.add(Check.fail(CheckName.PCR_VALUES, e.getMessage()));
                skipAfterValues(checks);
                return;
            }
        }
        if (values.length != want) {
            checks.add(Check.fail(
                    CheckName.PCR_VALUES,
                    values.length + " bytes supplied, the quoted selection " + quoted + " needs " + want));
            skipAfterValues(checks);
            return;
        }
        checks.add(Check.pass(CheckName.PCR_VALUES, quoted.count() + " values (" + format + ")"));
        // TPM 2.0 Part 3 §18.4: pcrDigest is computed with the hash of the signing scheme.
        HashAlg h = exp.hash();
        byte[] digest = h.hash(values);
        boolean digestOk =
                attest.quotePcrDigest().length == digest.length && Secrets.equal(attest.quotePcrDigest(), digest);
        checks.add(
                digestOk
                        ? Check.pass(CheckName.PCR_DIGEST, h.toolName() + " " + Hex.encode(digest))
                        : Check.fail(
                                CheckName.PCR_DIGEST,
                                "quoted " + Hex.encode(attest.quotePcrDigest()) + " but " + h.toolName()
                                        + " of the supplied values is " + Hex.encode(digest)));
        checks.add(eventLogCheck(ev.eventLog(), quoted, values));
        PcrPolicy policy = exp.policy();
        if (policy == null) {
            checks.add(Check.skip(CheckName.POLICY, "no policy"));
        } else {
            String m = policy.mismatch(quoted, values);
            checks.add(
                    m == null
                            ? Check.pass(CheckName.POLICY, policy.selection() + " match")
                            : Check.fail(CheckName.POLICY, m));
        }
    }

    private static void skipAfterValues(List<Check> checks) {
        for (CheckName n : List.of(CheckName.PCR_DIGEST, CheckName.EVENT_LOG, CheckName.POLICY)) {
            checks.add(Check.skip(n, "PCR values unusable"));
        }
    }

    private static Check eventLogCheck(byte[] log, PcrSelection quoted, byte[] values) {
        if (log == null) {
            return Check.skip(CheckName.EVENT_LOG, "no event log");
        }
        try {
            EventLog parsed = EventLog.parse(log);
            int offset = 0;
            for (PcrSelection.Bank bank : quoted.banks()) {
                byte[][] replayed = EventLogReplay.replay(parsed, bank.hash());
                int n = bank.hash().digestBytes();
                for (int i : bank.indices()) {
                    if (!Arrays.equals(values, offset, offset + n, replayed[i], 0, n)) {
                        return Check.fail(
                                CheckName.EVENT_LOG,
                                "replay gives " + bank.hash().toolName() + ":" + i + " = " + Hex.encode(replayed[i])
                                        + ", quoted value is " + Hex.encode(values, offset, n));
                    }
                    offset += n;
                }
            }
            return Check.pass(CheckName.EVENT_LOG, parsed.events().size() + " events replay to the quoted values");
        } catch (TpmFormatException e) {
            return Check.fail(CheckName.EVENT_LOG, e.getMessage());
        } catch (AttestException e) {
            return Check.fail(CheckName.EVENT_LOG, e.getMessage());
        }
    }

    private static void clockCheck(TpmsAttest attest, Expectations exp, List<Check> checks) {
        if (!exp.requireSafeClock() && exp.lastSeen() == null) {
            checks.add(Check.skip(CheckName.CLOCK, "not asked"));
            return;
        }
        var ci = attest.clockInfo();
        if (exp.requireSafeClock() && !ci.safe()) {
            checks.add(Check.fail(CheckName.CLOCK, "clockInfo.safe is 0: the TPM clock may have gone backwards"));
            return;
        }
        String regression = exp.lastSeen() == null ? null : exp.lastSeen().regression(ci);
        checks.add(
                regression == null
                        ? Check.pass(
                                CheckName.CLOCK,
                                "resetCount " + ci.resetCount() + ", restartCount " + ci.restartCount()
                                        + (ci.safe() ? ", safe" : ""))
                        : Check.fail(CheckName.CLOCK, regression));
    }
}
