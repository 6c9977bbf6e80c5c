package dev.psk.attest.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.attest.SoftQuotes;
import dev.psk.attest.eventlog.EventLogBuilder;
import dev.psk.attest.policy.ClockRecord;
import dev.psk.attest.policy.PcrPolicy;
import dev.psk.attest.tpm.HashAlg;
import dev.psk.attest.tpm.PcrSelection;
import dev.psk.attest.tpm.ToolsPcrFile;
import dev.psk.attest.tpm.Tpm2;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Offline verification with software-signed quotes: one test per accept path and per reject reason. */
class QuoteVerifierTest {
    static final byte[] NONCE = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    static final PcrSelection SEL = PcrSelection.parse("sha256:0-7");
    static KeyPair ec;
    static KeyPair ec2;
    static KeyPair rsa;
    static KeyPair p384;

    @BeforeAll
    static void keys() throws Exception {
        ec = SoftQuotes.ecKey("secp256r1");
        ec2 = SoftQuotes.ecKey("secp256r1");
        rsa = SoftQuotes.rsaKey();
        p384 = SoftQuotes.ecKey("secp384r1");
    }

    static QuoteEvidence evidence(KeyPair k, int type, byte[] nonce, PcrSelection sel, HashAlg h) throws Exception {
        byte[] values = SoftQuotes.values(sel);
        byte[] msg = SoftQuotes.attest(type, nonce, sel, values, h);
        return new QuoteEvidence(msg, SoftQuotes.sign(k, msg, h), values);
    }

    static QuoteEvidence good(KeyPair k) throws Exception {
        return evidence(k, Tpm2.TPM_ST_ATTEST_QUOTE, NONCE, SEL, HashAlg.SHA256);
    }

    static Expectations.Builder expect(KeyPair k) {
        return Expectations.builder(k.getPublic(), NONCE, SEL);
    }

    static void assertRejected(Verdict v, CheckName check, String fragment) {
        assertThat(v.accepted()).as(v.line()).isFalse();
        assertThat(v.failedCheck()).as(v.line()).isEqualTo(check);
        assertThat(v.line()).startsWith("REJECT: " + check.label() + ": ").contains(fragment);
    }

    @Test
    void acceptsEcdsaP256Tpmt() throws Exception {
        Verdict v = QuoteVerifier.verify(good(ec), expect(ec).build());
        assertThat(v.line()).isEqualTo("ACCEPT");
        assertThat(v.checks()).extracting(Check::name).containsExactly(CheckName.values());
    }

    @Test
    void acceptsEcdsaP384WithSha384() throws Exception {
        QuoteEvidence e = evidence(p384, Tpm2.TPM_ST_ATTEST_QUOTE, NONCE, SEL, HashAlg.SHA384);
        assertThat(QuoteVerifier.verify(
                                e,
                                Expectations.builder(p384.getPublic(), NONCE, SEL)
                                        .build())
                        .line())
                .isEqualTo("ACCEPT");
    }

    @Test
    void acceptsRsassa() throws Exception {
        assertThat(QuoteVerifier.verify(good(rsa), expect(rsa).build()).line()).isEqualTo("ACCEPT");
    }

    @Test
    void acceptsPlainDerAndPlainRsa() throws Exception {
        QuoteEvidence g = good(ec);
        byte[] der = SoftQuotes.signDer(ec, g.attest(), HashAlg.SHA256);
        Verdict v = QuoteVerifier.verify(
                new QuoteEvidence(g.attest(), der, g.pcrValues()), expect(ec).build());
        assertThat(v.line()).isEqualTo("ACCEPT");
        assertThat(v.checks().get(3).detail()).isEqualTo("plain_der");
        QuoteEvidence r = good(rsa);
        byte[] raw = Arrays.copyOfRange(r.signature(), 6, r.signature().length);
        assertThat(QuoteVerifier.verify(
                                new QuoteEvidence(r.attest(), raw, r.pcrValues()),
                                expect(rsa).build())
                        .line())
                .isEqualTo("ACCEPT");
    }

    @Test
    void acceptsTpm2ToolsSerializedValues() throws Exception {
        QuoteEvidence g = good(ec);
        byte[] file = ToolsPcrFile.write(SEL, g.pcrValues());
        assertThat(QuoteVerifier.verify(
                                new QuoteEvidence(g.attest(), g.signature(), file),
                                expect(ec).build())
                        .line())
                .isEqualTo("ACCEPT");
    }

    @Test
    void rejectsWrongNonce() throws Exception {
        byte[] other = NONCE.clone();
        other[15] ^= 1;
        assertRejected(
                QuoteVerifier.verify(
                        good(ec),
                        Expectations.builder(ec.getPublic(), other, SEL).build()),
                CheckName.NONCE,
                "differs");
    }

    @Test
    void rejectsGenuineQuoteForAnotherNonce() throws Exception {
        QuoteEvidence e = evidence(ec, Tpm2.TPM_ST_ATTEST_QUOTE, new byte[] {9, 9, 9}, SEL, HashAlg.SHA256);
        assertRejected(QuoteVerifier.verify(e, expect(ec).build()), CheckName.NONCE, "extraData (3 bytes)");
    }

    @Test
    void rejectsChangedPcrValue() throws Exception {
        QuoteEvidence g = good(ec);
        byte[] values = g.pcrValues().clone();
        values[4 * 32] ^= 1;
        assertRejected(
                QuoteVerifier.verify(
                        new QuoteEvidence(g.attest(), g.signature(), values),
                        expect(ec).build()),
                CheckName.PCR_DIGEST,
                "quoted");
    }

    @Test
    void rejectsEveryChangedMessageByte() throws Exception {
        QuoteEvidence g = good(ec);
        for (int i = 0; i < g.attest().length; i++) {
            byte[] msg = g.attest().clone();
            msg[i] ^= 0x01;
            Verdict v = QuoteVerifier.verify(
                    new QuoteEvidence(msg, g.signature(), g.pcrValues()),
                    expect(ec).build());
            assertThat(v.accepted()).as("byte " + i).isFalse();
            assertThat(v.failedCheck())
                    .as("byte " + i + ": " + v.line())
                    .isIn(CheckName.PARSE, CheckName.MAGIC, CheckName.TYPE, CheckName.SIGNATURE);
        }
    }

    @Test
    void rejectsSignatureByAnotherKey() throws Exception {
        QuoteEvidence g = good(ec);
        byte[] sig = SoftQuotes.sign(ec2, g.attest(), HashAlg.SHA256);
        assertRejected(
                QuoteVerifier.verify(
                        new QuoteEvidence(g.attest(), sig, g.pcrValues()),
                        expect(ec).build()),
                CheckName.SIGNATURE,
                "pinned AK");
    }

    @Test
    void rejectsValidQuoteByUnpinnedKey() throws Exception {
        assertRejected(QuoteVerifier.verify(good(ec2), expect(ec).build()), CheckName.SIGNATURE, "pinned AK");
    }

    @Test
    void rejectsEcdsaSignatureAgainstRsaKey() throws Exception {
        assertRejected(
                QuoteVerifier.verify(good(ec), expect(rsa).build()),
                CheckName.SIGNATURE_SCHEME,
                "ECDSA signature but the pinned AK is an RSA key");
    }

    @Test
    void rejectsRsaSignatureAgainstEcKey() throws Exception {
        assertRejected(
                QuoteVerifier.verify(good(rsa), expect(ec).build()),
                CheckName.SIGNATURE_SCHEME,
                "RSA signature but the pinned AK is an EC key");
    }

    @Test
    void rejectsHashDowngrade() throws Exception {
        QuoteEvidence e = evidence(ec, Tpm2.TPM_ST_ATTEST_QUOTE, NONCE, SEL, HashAlg.SHA1);
        assertRejected(
                QuoteVerifier.verify(e, expect(ec).build()),
                CheckName.SIGNATURE_SCHEME,
                "hash is sha1, expected sha256");
    }

    @Test
    void rejectsFewerPcrsThanDemanded() throws Exception {
        QuoteEvidence e =
                evidence(ec, Tpm2.TPM_ST_ATTEST_QUOTE, NONCE, PcrSelection.parse("sha256:0-6"), HashAlg.SHA256);
        assertRejected(
                QuoteVerifier.verify(e, expect(ec).build()),
                CheckName.PCR_SELECTION,
                "quote covers sha256:0,1,2,3,4,5,6, demanded sha256:0,1,2,3,4,5,6,7");
    }

    @Test
    void rejectsMorePcrsThanDemanded() throws Exception {
        QuoteEvidence e =
                evidence(ec, Tpm2.TPM_ST_ATTEST_QUOTE, NONCE, PcrSelection.parse("sha256:0-8"), HashAlg.SHA256);
        assertRejected(QuoteVerifier.verify(e, expect(ec).build()), CheckName.PCR_SELECTION, "demanded");
    }

    @Test
    void rejectsTimeAttestation() throws Exception {
        // A TPMS_ATTEST of type TIME, with a quote-shaped body, signed by the pinned key with the right nonce.
        QuoteEvidence e = evidence(ec, Tpm2.TPM_ST_ATTEST_TIME, NONCE, SEL, HashAlg.SHA256);
        Verdict v = QuoteVerifier.verify(e, expect(ec).build());
        assertThat(v.failedCheck()).as(v.line()).isIn(CheckName.PARSE, CheckName.TYPE);
    }

    @Test
    void rejectsWrongMagic() throws Exception {
        QuoteEvidence g = good(ec);
        byte[] msg = g.attest().clone();
        msg[0] = 0;
        byte[] sig = SoftQuotes.sign(ec, msg, HashAlg.SHA256);
        assertRejected(
                QuoteVerifier.verify(
                        new QuoteEvidence(msg, sig, g.pcrValues()), expect(ec).build()),
                CheckName.MAGIC,
                "0x00544347");
    }

    @Test
    void rejectsShortValues() throws Exception {
        QuoteEvidence g = good(ec);
        byte[] values = Arrays.copyOf(g.pcrValues(), 7 * 32);
        assertRejected(
                QuoteVerifier.verify(
                        new QuoteEvidence(g.attest(), g.signature(), values),
                        expect(ec).build()),
                CheckName.PCR_VALUES,
                "needs 256");
    }

    @Test
    void rejectsMalformedMessageWithParseReason() throws Exception {
        QuoteEvidence g = good(ec);
        Verdict v = QuoteVerifier.verify(
                new QuoteEvidence(Arrays.copyOf(g.attest(), 20), g.signature(), g.pcrValues()),
                expect(ec).build());
        assertRejected(v, CheckName.PARSE, "TPMS_ATTEST");
        assertThat(v.checks()).hasSize(CheckName.values().length);
    }

    @Test
    void rejectsGarbageSignature() throws Exception {
        QuoteEvidence g = good(ec);
        Verdict v = QuoteVerifier.verify(
                new QuoteEvidence(g.attest(), new byte[] {0x30, 0x01, 0x02}, g.pcrValues()),
                expect(ec).build());
        assertRejected(v, CheckName.SIGNATURE_FORMAT, "signature");
    }

    @Test
    void policyAcceptsMatchingAndRejectsDifferentOrMissing() throws Exception {
        QuoteEvidence g = good(ec);
        byte[] pcr7 = Arrays.copyOfRange(g.pcrValues(), 7 * 32, 8 * 32);
        PcrPolicy ok = PcrPolicy.of("", Map.of(HashAlg.SHA256, Map.of(7, pcr7)));
        assertThat(QuoteVerifier.verify(g, expect(ec).policy(ok).build()).line())
                .isEqualTo("ACCEPT");
        PcrPolicy bad = PcrPolicy.of("", Map.of(HashAlg.SHA256, Map.of(7, new byte[32])));
        assertRejected(QuoteVerifier.verify(g, expect(ec).policy(bad).build()), CheckName.POLICY, "sha256:7 differs");
        PcrPolicy missing = PcrPolicy.of("", Map.of(HashAlg.SHA256, Map.of(9, new byte[32])));
        assertRejected(
                QuoteVerifier.verify(g, expect(ec).policy(missing).build()),
                CheckName.POLICY,
                "sha256:9 is not in the quote");
    }

    @Test
    void eventLogReplaysOrRejects() throws Exception {
        EventLogBuilder b = new EventLogBuilder(List.of(HashAlg.SHA1, HashAlg.SHA256));
        b.event(0, 0x80000008, "firmware".getBytes()).event(4, 0x80000003, "bootloader".getBytes());
        byte[] log = b.build();
        byte[] values = new byte[8 * 32];
        byte[] pcr0 = HashAlg.SHA256.hash(concat(new byte[32], HashAlg.SHA256.hash("firmware".getBytes())));
        byte[] pcr4 = HashAlg.SHA256.hash(concat(new byte[32], HashAlg.SHA256.hash("bootloader".getBytes())));
        System.arraycopy(pcr0, 0, values, 0, 32);
        System.arraycopy(pcr4, 0, values, 4 * 32, 32);
        byte[] msg = SoftQuotes.attest(Tpm2.TPM_ST_ATTEST_QUOTE, NONCE, SEL, values, HashAlg.SHA256);
        byte[] sig = SoftQuotes.sign(ec, msg, HashAlg.SHA256);
        assertThat(QuoteVerifier.verify(
                                new QuoteEvidence(msg, sig, values, log),
                                expect(ec).build())
                        .line())
                .isEqualTo("ACCEPT");
        byte[] other = new EventLogBuilder(List.of(HashAlg.SHA256))
                .event(0, 0x80000008, "firmware".getBytes())
                .build();
        assertRejected(
                QuoteVerifier.verify(
                        new QuoteEvidence(msg, sig, values, other), expect(ec).build()),
                CheckName.EVENT_LOG,
                "sha256:4");
        byte[] sha1Only = new EventLogBuilder(List.of(HashAlg.SHA1)).build();
        assertRejected(
                QuoteVerifier.verify(
                        new QuoteEvidence(msg, sig, values, sha1Only),
                        expect(ec).build()),
                CheckName.EVENT_LOG,
                "no sha256 bank");
        assertRejected(
                QuoteVerifier.verify(
                        new QuoteEvidence(msg, sig, values, new byte[] {1, 2}),
                        expect(ec).build()),
                CheckName.EVENT_LOG,
                "event log");
    }

    @Test
    void clockChecks() throws Exception {
        QuoteEvidence g = good(ec); // resetCount 7, restartCount 2, safe
        assertThat(QuoteVerifier.verify(
                                g,
                                expect(ec)
                                        .requireSafeClock(true)
                                        .lastSeen(new ClockRecord(7, 2, 0))
                                        .build())
                        .line())
                .isEqualTo("ACCEPT");
        assertThat(QuoteVerifier.verify(
                                g, expect(ec).lastSeen(new ClockRecord(6, 9, 0)).build())
                        .line())
                .isEqualTo("ACCEPT");
        assertRejected(
                QuoteVerifier.verify(
                        g, expect(ec).lastSeen(new ClockRecord(8, 0, 0)).build()),
                CheckName.CLOCK,
                "resetCount 7 is lower");
        assertRejected(
                QuoteVerifier.verify(
                        g, expect(ec).lastSeen(new ClockRecord(7, 3, 0)).build()),
                CheckName.CLOCK,
                "restartCount 2 is lower");
    }

    @Test
    void unsafeClockRejectedOnlyWhenRequired() throws Exception {
        byte[] values = SoftQuotes.values(SEL);
        byte[] signer = new byte[2];
        byte[] msg = dev.psk.attest.tpm.TpmsAttest.marshalQuote(
                Tpm2.TPM_GENERATED_VALUE,
                Tpm2.TPM_ST_ATTEST_QUOTE,
                signer,
                NONCE,
                new dev.psk.attest.tpm.ClockInfo(1, 1, 0, false),
                0,
                SEL,
                HashAlg.SHA256.hash(values));
        QuoteEvidence e = new QuoteEvidence(msg, SoftQuotes.sign(ec, msg, HashAlg.SHA256), values);
        assertThat(QuoteVerifier.verify(e, expect(ec).build()).accepted()).isTrue();
        assertRejected(
                QuoteVerifier.verify(e, expect(ec).requireSafeClock(true).build()), CheckName.CLOCK, "safe is 0");
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] o = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, o, a.length, b.length);
        return o;
    }
}
