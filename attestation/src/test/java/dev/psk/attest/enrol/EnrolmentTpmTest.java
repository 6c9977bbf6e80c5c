package dev.psk.attest.enrol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.psk.attest.Swtpm;
import dev.psk.attest.cli.Cli;
import dev.psk.attest.enrol.EnrolmentException.Reason;
import dev.psk.attest.quote.AkSource;
import dev.psk.attest.tpm.EkTemplate;
import dev.psk.attest.tpm.HashAlg;
import dev.psk.attest.tpm.Tpm2;
import dev.psk.attest.tpm.TpmException;
import dev.psk.attest.tpm.TpmWriter;
import dev.psk.attest.tpm.TpmtPublic;
import dev.psk.common.Hex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The enrolment protocol against two manufactured swtpms, each with its own local CA: a genuine
 * enrolment through the CLI, then every attack the protocol must stop, each refused for its own
 * reason.
 */
@Tag("tpm")
class EnrolmentTpmTest {
    static Swtpm tpm1;
    static Swtpm tpm2;
    static Path work;
    static EkTrust trust1;
    static EkTrust trustBoth;

    @BeforeAll
    static void start() throws Exception {
        tpm1 = Swtpm.startManufactured();
        tpm2 = Swtpm.startManufactured();
        work = Files.createTempDirectory("psk-attest-enrol-");
        Path roots1 = Files.createDirectories(work.resolve("roots1"));
        Path rootsBoth = Files.createDirectories(work.resolve("roots-both"));
        for (Path d : new Path[] {roots1, rootsBoth}) {
            Files.copy(tpm1.caDir().resolve("swtpm-localca-rootca-cert.pem"), d.resolve("tpm1-root.pem"));
            Files.copy(tpm1.caDir().resolve("issuercert.pem"), d.resolve("tpm1-issuer.pem"));
        }
        Files.copy(tpm2.caDir().resolve("swtpm-localca-rootca-cert.pem"), rootsBoth.resolve("tpm2-root.pem"));
        Files.copy(tpm2.caDir().resolve("issuercert.pem"), rootsBoth.resolve("tpm2-issuer.pem"));
        trust1 = EkTrust.load(roots1);
        trustBoth = EkTrust.load(rootsBoth);
    }

    @AfterAll
    static void stop() throws Exception {
        for (Swtpm s : new Swtpm[] {tpm1, tpm2}) {
            if (s != null) {
                s.close();
            }
        }
        if (work != null) {
            try (Stream<Path> s = Files.walk(work)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rsa", "ecc384"})
    void genuineEnrolmentPinsTheAkAndAReplayedAnswerIsRefused(String ek) throws Exception {
        Path d = Files.createDirectories(work.resolve("cli-" + ek));
        String req = d.resolve("request.json").toString();
        String ch = d.resolve("challenge.json").toString();
        String ans = d.resolve("answer.json").toString();
        String rec = d.resolve("ak-record.json").toString();
        String state = d.resolve("state").toString();

        ok(Cli.run("enroll", "--tpm", tpm1.address(), "--ek-alg", ek, "--out", req));
        Cli.Run c = ok(Cli.run(
                "enroll-challenge",
                "--request",
                req,
                "--ek-roots",
                work.resolve("roots1").toString(),
                "--state",
                state,
                "--out",
                ch,
                "--tpm2-credential",
                d.resolve("challenge.tpm2").toString()));
        assertThat(c.out()).startsWith("challenge ");
        assertThat(Hex.encode(Files.readAllBytes(d.resolve("challenge.tpm2")))).startsWith("badcc0de00000001");
        ok(Cli.run("enroll-respond", "--tpm", tpm1.address(), "--ek-alg", ek, "--challenge", ch, "--out", ans));
        Cli.Run f = ok(Cli.run("enroll-finish", "--answer", ans, "--state", state, "--out", rec));
        assertThat(f.out()).startsWith("ACCEPT: AK ").contains("swtpm");
        assertThat(Files.readString(Path.of(rec))).contains("\"tpmModel\" : \"swtpm\"");

        // The record is the pinned AK for verify: a quote from the same TPM is accepted with it.
        String nonce = "00112233445566778899aabbccddeeff";
        Path q = d.resolve("q");
        ok(Cli.run("quote", "--tpm", tpm1.address(), "--nonce", nonce, "--pcrs", "sha256:0-7", "--out", q.toString()));
        Cli.Run v = Cli.run(
                "verify",
                "--ak",
                rec,
                "--message",
                q.resolve("quote.msg").toString(),
                "--signature",
                q.resolve("quote.sig").toString(),
                "--nonce",
                nonce,
                "--pcrs",
                "sha256:0-7",
                "--pcr-values",
                q.resolve("pcrs.values").toString());
        assertThat(v.out().strip()).isEqualTo("ACCEPT");

        // The same answer again: the challenge was consumed.
        Files.delete(Path.of(rec));
        Cli.Run replay = Cli.run("enroll-finish", "--answer", ans, "--state", state, "--out", rec);
        assertThat(replay.exit()).isEqualTo(1);
        assertThat(replay.out()).startsWith("REJECT: challenge-used: ");
        assertThat(Path.of(rec)).doesNotExist();
        assertThat(tpm1.transientObjects()).isZero();
    }

    /**
     * The common case on real TPMs, which swtpm_setup does not produce: an ECC P-256 EK with its
     * certificate at 0x01c0000a. The test issues one with the local CA (keyAgreement, as for ECC
     * EKs), writes it into a padded platform NV index, and enrols through it.
     */
    @Test
    void eccP256EkCertificateInItsOwnPaddedIndexEnrols() throws Exception {
        TpmtPublic ek;
        try (var tpm = dev.psk.attest.tpm.Tpm.open(dev.psk.attest.tpm.TpmAddress.parse(tpm1.address()))) {
            var loaded = tpm.createPrimary(Tpm2.TPM_RH_ENDORSEMENT, EkTemplate.ECC_P256.template());
            ek = loaded.publicArea();
            tpm.flush(loaded.handle());
        }
        byte[] cert = EkCertIssuer.swtpmLocalCa(tpm1.caDir())
                .issue(
                        ek.toPublicKey(),
                        Instant.now().minusSeconds(60),
                        Instant.now().plus(Duration.ofDays(1)),
                        KeyUsage.keyAgreement);
        Files.write(tpm1.dir().resolve("ek-p256.der"), cert);
        tpm1.toolOk(
                "tpm2_nvdefine",
                "0x01c0000a",
                "-C",
                "p",
                "-s",
                String.valueOf(cert.length + 24),
                "-a",
                "ppwrite|ppread|ownerread|authread|no_da|platformcreate");
        tpm1.toolOk("tpm2_nvwrite", "0x01c0000a", "-C", "p", "-i", "ek-p256.der");

        EnrolmentRequest r = Enroller.request(tpm1.address(), EkTemplate.ECC_P256, AkSource.ecc());
        assertThat(r.ekCertificate()).isEqualTo(cert); // the index's padding is cut off
        EnrolmentVerifier v = verifier(trust1, Clock.systemUTC());
        EnrolmentChallenge c = v.challenge(r);
        AkRecord rec = v.finish(Enroller.respond(tpm1.address(), EkTemplate.ECC_P256, AkSource.ecc(), c));
        assertThat(rec.akPublic()).isEqualTo(r.akPublic());
        assertThat(rec.ekName()).isEqualTo(ek.name());
    }

    @Test
    void enrolmentCertificateIsTheOneTpm2ToolsReads() throws Exception {
        EnrolmentRequest rsa = Enroller.request(tpm1.address(), EkTemplate.RSA_2048, AkSource.ecc());
        tpm1.toolOk("tpm2_getekcertificate", "-o", "ek-tools.der");
        assertThat(rsa.ekCertificate()).isEqualTo(Files.readAllBytes(tpm1.dir().resolve("ek-tools.der")));
        EnrolmentRequest p384 = Enroller.request(tpm1.address(), EkTemplate.ECC_P384, AkSource.ecc());
        tpm1.toolOk("tpm2_nvread", "0x01c00016", "-o", "ek384-tools.der");
        assertThat(p384.ekCertificate()).isEqualTo(Files.readAllBytes(tpm1.dir().resolve("ek384-tools.der")));
    }

    @Test
    void certificateFromAnUntrustedCaIsRefused() throws Exception {
        EnrolmentRequest r = Enroller.request(tpm2.address(), EkTemplate.RSA_2048, AkSource.ecc());
        assertRejected(r, trust1, Reason.EK_CERT_UNTRUSTED);
        EnrolmentVerifier.check(r, trustBoth, Instant.now()); // the same request with its CA trusted: fine

        // Genuine key, valid dates, EK key usage, but a CA nobody configured.
        EkCertIssuer rogue = EkCertIssuer.selfMadeRoot();
        byte[] cert = rogue.issue(
                r.ekPublic().toPublicKey(),
                Instant.now().minusSeconds(60),
                Instant.now().plusSeconds(3600),
                KeyUsage.keyEncipherment);
        assertRejected(withCert(r, cert), trustBoth, Reason.EK_CERT_UNTRUSTED);
    }

    @Test
    void expiredCertificateIsRefused() throws Exception {
        EnrolmentRequest r = Enroller.request(tpm1.address(), EkTemplate.RSA_2048, AkSource.ecc());
        EkCertIssuer ca = EkCertIssuer.swtpmLocalCa(tpm1.caDir());
        Instant now = Instant.now();
        byte[] shortLived = ca.issue(
                r.ekPublic().toPublicKey(),
                now.minus(Duration.ofDays(2)),
                now.minus(Duration.ofDays(1)),
                KeyUsage.keyEncipherment);
        assertRejected(withCert(r, shortLived), trust1, Reason.EK_CERT_EXPIRED);
        // The control: the same CA and key with a current validity passes.
        byte[] current = ca.issue(
                r.ekPublic().toPublicKey(), now.minusSeconds(60), now.plusSeconds(600), KeyUsage.keyEncipherment);
        EnrolmentVerifier.check(withCert(r, current), trust1, now);
        assertRejected(withCert(r, current), trust1, now.plus(Duration.ofHours(1)), Reason.EK_CERT_EXPIRED);
    }

    @Test
    void certificateWithWrongKeyUsageIsRefused() throws Exception {
        EnrolmentRequest r = Enroller.request(tpm1.address(), EkTemplate.RSA_2048, AkSource.ecc());
        EkCertIssuer ca = EkCertIssuer.swtpmLocalCa(tpm1.caDir());
        byte[] signing = ca.issue(
                r.ekPublic().toPublicKey(),
                Instant.now().minusSeconds(60),
                Instant.now().plusSeconds(600),
                KeyUsage.digitalSignature);
        assertRejected(withCert(r, signing), trust1, Reason.EK_CERT_KEY_USAGE);
    }

    @Test
    void certificateForAnotherKeyIsRefused() throws Exception {
        EnrolmentRequest r1 = Enroller.request(tpm1.address(), EkTemplate.RSA_2048, AkSource.ecc());
        EnrolmentRequest r2 = Enroller.request(tpm2.address(), EkTemplate.RSA_2048, AkSource.ecc());
        // TPM 2's genuine certificate, trusted, presented with TPM 1's EK.
        assertRejected(withCert(r1, r2.ekCertificate()), trustBoth, Reason.EK_KEY_MISMATCH);
        // ... and TPM 1's certificate with TPM 1's ECC EK.
        EnrolmentRequest ecc = Enroller.request(tpm1.address(), EkTemplate.ECC_P384, AkSource.ecc());
        assertRejected(withCert(ecc, r1.ekCertificate()), trustBoth, Reason.EK_KEY_MISMATCH);
    }

    @Test
    void akThatIsNotARestrictedFixedTpmKeyIsRefused() throws Exception {
        EnrolmentRequest r = Enroller.request(tpm1.address(), EkTemplate.RSA_2048, AkSource.ecc());
        for (int clear : new int[] {
            Tpm2.TPMA_OBJECT_FIXED_TPM,
            Tpm2.TPMA_OBJECT_FIXED_PARENT,
            Tpm2.TPMA_OBJECT_SENSITIVE_DATA_ORIGIN,
            Tpm2.TPMA_OBJECT_RESTRICTED,
            Tpm2.TPMA_OBJECT_SIGN
        }) {
            TpmtPublic weak = withAttributes(r.akPublic(), r.akPublic().attributes() & ~clear);
            assertRejected(
                    new EnrolmentRequest(r.ekCertificate(), r.ekPublic(), weak, weak.name()),
                    trust1,
                    Reason.AK_ATTRIBUTES);
        }
        TpmtPublic decrypting = withAttributes(r.akPublic(), r.akPublic().attributes() | Tpm2.TPMA_OBJECT_DECRYPT);
        assertRejected(
                new EnrolmentRequest(r.ekCertificate(), r.ekPublic(), decrypting, decrypting.name()),
                trust1,
                Reason.AK_ATTRIBUTES);
        byte[] otherName = r.akName().clone();
        otherName[3] ^= 1;
        assertRejected(
                new EnrolmentRequest(r.ekCertificate(), r.ekPublic(), r.akPublic(), otherName),
                trust1,
                Reason.AK_NAME_MISMATCH);
    }

    @Test
    void softwareAkCannotBeActivated() throws Exception {
        EnrolmentRequest genuine = Enroller.request(tpm1.address(), EkTemplate.RSA_2048, AkSource.ecc());
        TpmtPublic soft = softwareAk();
        EnrolmentRequest forged = new EnrolmentRequest(genuine.ekCertificate(), genuine.ekPublic(), soft, soft.name());
        EnrolmentVerifier v = verifier(trust1, Clock.systemUTC());
        EnrolmentChallenge c = v.challenge(forged); // the verifier cannot tell a software key by its attributes...

        // ...but the TPM releases the credential only for a loaded object with that Name.
        assertThatThrownBy(() -> Enroller.respond(tpm1.address(), EkTemplate.RSA_2048, AkSource.ecc(), c))
                .isInstanceOf(TpmException.class)
                .hasMessageContaining("TPM2_ActivateCredential");
        Path chFile = work.resolve("soft-challenge.json");
        Files.write(chFile, EnrolmentCodec.encodeChallenge(c));
        Cli.Run respond = Cli.run(
                "enroll-respond",
                "--tpm",
                tpm1.address(),
                "--challenge",
                chFile.toString(),
                "--out",
                work.resolve("soft-answer.json").toString());
        assertThat(respond.exit()).isEqualTo(1);
        assertThat(respond.err())
                .startsWith("psk-attest: TPM2_ActivateCredential failed: TPM_RC ")
                .hasLineCount(1);
        assertThat(work.resolve("soft-answer.json")).doesNotExist();
        // Loading the software AK's public area into the TPM does not help either.
        Files.write(
                tpm1.dir().resolve("soft.pub"),
                new TpmWriter().tpm2b(soft.raw()).toByteArray());
        Files.write(tpm1.dir().resolve("soft.cred"), c.credential().toToolsFile());
        tpm1.toolOk("tpm2_createek", "-c", "soft-ek.ctx", "-G", "rsa");
        // tpm2_loadexternal accepts the public part (NULL hierarchy), but a public-only object
        // cannot be authorized: TPM_RC_AUTH_UNAVAILABLE (0x12f).
        tpm1.toolOk("tpm2_loadexternal", "-C", "n", "-u", "soft.pub", "-c", "soft.ctx");
        tpm1.toolOk("tpm2_startauthsession", "--policy-session", "-S", "soft-s.ctx");
        tpm1.toolOk("tpm2_policysecret", "-S", "soft-s.ctx", "-c", "e");
        var act = tpm1.tool(
                "tpm2_activatecredential",
                "-c",
                "soft.ctx",
                "-C",
                "soft-ek.ctx",
                "-i",
                "soft.cred",
                "-o",
                "soft.out",
                "-P",
                "session:soft-s.ctx");
        tpm1.tool("tpm2_flushcontext", "soft-s.ctx");
        assertThat(act.exitCode())
                .as("tpm2_activatecredential on a public-only AK")
                .isNotZero();
        assertThat(act.stderr()).containsIgnoringCase("0x12f");
        assertThat(tpm1.dir().resolve("soft.out")).doesNotExist();
        // Guessing the answer fails, and uses up the challenge.
        assertThatThrownBy(() -> v.finish(new EnrolmentAnswer(c.id(), new byte[32])))
                .isInstanceOfSatisfying(
                        EnrolmentException.class, e -> assertThat(e.reason()).isEqualTo(Reason.ANSWER_WRONG));
        assertThatThrownBy(() -> v.finish(new EnrolmentAnswer(c.id(), new byte[32])))
                .isInstanceOfSatisfying(
                        EnrolmentException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CHALLENGE_USED));
    }

    @Test
    void akFromAnotherTpmWithThisTpmsEkCannotBeActivated() throws Exception {
        EnrolmentRequest r1 = Enroller.request(tpm1.address(), EkTemplate.RSA_2048, AkSource.ecc());
        EnrolmentRequest r2 = Enroller.request(tpm2.address(), EkTemplate.RSA_2048, AkSource.ecc());
        EnrolmentRequest mixed = new EnrolmentRequest(r1.ekCertificate(), r1.ekPublic(), r2.akPublic(), r2.akName());
        EnrolmentChallenge c = verifier(trust1, Clock.systemUTC()).challenge(mixed);
        // TPM 2 holds the AK but not the EK the seed was encrypted to; TPM 1 has the EK but not the AK.
        assertThatThrownBy(() -> Enroller.respond(tpm2.address(), EkTemplate.RSA_2048, AkSource.ecc(), c))
                .isInstanceOf(TpmException.class);
        assertThatThrownBy(() -> Enroller.respond(tpm1.address(), EkTemplate.RSA_2048, AkSource.ecc(), c))
                .isInstanceOf(TpmException.class);
        assertThat(tpm1.transientObjects()).isZero();
        assertThat(tpm2.transientObjects()).isZero();
    }

    @Test
    void lateUnknownAndForeignAnswersAreRefused() throws Exception {
        EnrolmentRequest r = Enroller.request(tpm1.address(), EkTemplate.RSA_2048, AkSource.ecc());
        Path state = Files.createDirectories(work.resolve("state-late"));
        Instant t0 = Instant.now();
        EnrolmentVerifier atT0 = new EnrolmentVerifier(
                trust1, new ChallengeStore(state), Clock.fixed(t0, java.time.ZoneOffset.UTC), Duration.ofMinutes(5));
        EnrolmentVerifier later = new EnrolmentVerifier(
                trust1,
                new ChallengeStore(state),
                Clock.fixed(t0.plus(Duration.ofMinutes(6)), java.time.ZoneOffset.UTC),
                Duration.ofMinutes(5));
        EnrolmentChallenge c = atT0.challenge(r);
        EnrolmentAnswer a = Enroller.respond(tpm1.address(), EkTemplate.RSA_2048, AkSource.ecc(), c);
        assertThatThrownBy(() -> later.finish(a))
                .isInstanceOfSatisfying(
                        EnrolmentException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CHALLENGE_EXPIRED));

        assertThatThrownBy(() -> atT0.finish(new EnrolmentAnswer("0".repeat(32), new byte[32])))
                .isInstanceOfSatisfying(
                        EnrolmentException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CHALLENGE_UNKNOWN));
        assertThatThrownBy(() -> atT0.finish(new EnrolmentAnswer("../../etc/passwd", new byte[32])))
                .isInstanceOfSatisfying(
                        EnrolmentException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CHALLENGE_UNKNOWN));

        // An answer computed for one challenge, presented for another: the proof binds the id.
        EnrolmentChallenge c1 = atT0.challenge(r);
        EnrolmentChallenge c2 = atT0.challenge(r);
        EnrolmentAnswer a1 = Enroller.respond(tpm1.address(), EkTemplate.RSA_2048, AkSource.ecc(), c1);
        assertThatThrownBy(() -> atT0.finish(new EnrolmentAnswer(c2.id(), a1.proof())))
                .isInstanceOfSatisfying(
                        EnrolmentException.class, e -> assertThat(e.reason()).isEqualTo(Reason.ANSWER_WRONG));
        AkRecord rec = atT0.finish(a1);
        assertThat(rec.akPublic()).isEqualTo(r.akPublic());
        assertThat(rec.ekCertificateSha256()).isEqualTo(HashAlg.SHA256.hash(r.ekCertificate()));
    }

    @Test
    void cliRejectionIsOneLineWithExitOne() throws Exception {
        EnrolmentRequest r = Enroller.request(tpm2.address(), EkTemplate.RSA_2048, AkSource.ecc());
        Path req = work.resolve("untrusted-request.json");
        Files.write(req, EnrolmentCodec.encodeRequest(r));
        Cli.Run c = Cli.run(
                "enroll-challenge",
                "--request",
                req.toString(),
                "--ek-roots",
                work.resolve("roots1").toString(),
                "--state",
                work.resolve("state-cli").toString(),
                "--out",
                work.resolve("never.json").toString());
        assertThat(c.exit()).isEqualTo(1);
        assertThat(c.out()).startsWith("REJECT: ek-cert-untrusted: ").hasLineCount(1);
        assertThat(work.resolve("never.json")).doesNotExist();
    }

    // ---- helpers ----

    static Cli.Run ok(Cli.Run r) {
        assertThat(r.exit()).as(r.err() + r.out()).isZero();
        return r;
    }

    static EnrolmentVerifier verifier(EkTrust trust, Clock clock) throws Exception {
        return new EnrolmentVerifier(
                trust,
                new ChallengeStore(Files.createTempDirectory(work, "state-")),
                clock,
                EnrolmentVerifier.DEFAULT_TTL);
    }

    static void assertRejected(EnrolmentRequest r, EkTrust trust, Reason reason) {
        assertRejected(r, trust, Instant.now(), reason);
    }

    static void assertRejected(EnrolmentRequest r, EkTrust trust, Instant now, Reason reason) {
        assertThatThrownBy(() -> EnrolmentVerifier.check(r, trust, now))
                .isInstanceOfSatisfying(
                        EnrolmentException.class,
                        e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason));
    }

    static EnrolmentRequest withCert(EnrolmentRequest r, byte[] cert) {
        return new EnrolmentRequest(cert, r.ekPublic(), r.akPublic(), r.akName());
    }

    static TpmtPublic withAttributes(TpmtPublic p, int attributes) throws Exception {
        byte[] raw = p.raw().clone();
        raw[4] = (byte) (attributes >>> 24);
        raw[5] = (byte) (attributes >>> 16);
        raw[6] = (byte) (attributes >>> 8);
        raw[7] = (byte) attributes;
        return TpmtPublic.unmarshal(raw);
    }

    /** A P-256 key made in software, dressed in an AK's public area. */
    static TpmtPublic softwareAk() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        ECPublicKey k = (ECPublicKey) g.generateKeyPair().getPublic();
        byte[] template = TpmtPublic.eccAkTemplate();
        TpmWriter w = new TpmWriter();
        w.bytes(java.util.Arrays.copyOf(template, template.length - 4)); // drop the two empty unique TPM2Bs
        w.tpm2b(fixed(k.getW().getAffineX().toByteArray()))
                .tpm2b(fixed(k.getW().getAffineY().toByteArray()));
        return TpmtPublic.unmarshal(w.toByteArray());
    }

    private static byte[] fixed(byte[] b) {
        byte[] out = new byte[32];
        int n = Math.min(32, b.length);
        System.arraycopy(b, b.length - n, out, 32 - n, n);
        return out;
    }
}
