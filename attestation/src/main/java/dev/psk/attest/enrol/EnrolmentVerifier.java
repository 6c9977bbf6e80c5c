package dev.psk.attest.enrol;

import dev.psk.attest.TpmFormatException;
import dev.psk.attest.credential.CredentialMaker;
import dev.psk.attest.enrol.EnrolmentException.Reason;
import dev.psk.attest.tpm.HashAlg;
import dev.psk.attest.tpm.Tpm2;
import dev.psk.attest.tpm.TpmtPublic;
import dev.psk.common.Hex;
import dev.psk.common.Secrets;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The verifier side of enrolment; needs no TPM. {@link #challenge} checks a request — the EK
 * certificate chains to a configured root, is valid now and fits an EK, certifies exactly the EK
 * presented, which is a restricted decryption key; the AK is a fixedTPM, fixedParent,
 * sensitiveDataOrigin, restricted signing key whose Name is the one claimed — and answers with a
 * fresh credential protected for that EK and bound to that AK Name. {@link #finish} accepts the
 * first answer to a pending, unexpired challenge if it proves the credential was activated, and
 * only then returns the {@link AkRecord} to pin.
 *
 * <p>What success proves: a TPM holding the certified EK's private key also holds an object with
 * the AK's Name (TPM2_ActivateCredential releases the credential only then), and that Name
 * commits to the AK's public key and attributes — fixedTPM means the AK cannot leave that TPM.
 */
public final class EnrolmentVerifier {
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);
    private static final int CREDENTIAL_BYTES = 32;
    private static final int ID_BYTES = 16;
    private static final int AK_REQUIRED = Tpm2.TPMA_OBJECT_FIXED_TPM
            | Tpm2.TPMA_OBJECT_FIXED_PARENT
            | Tpm2.TPMA_OBJECT_SENSITIVE_DATA_ORIGIN
            | Tpm2.TPMA_OBJECT_RESTRICTED
            | Tpm2.TPMA_OBJECT_SIGN;
    private static final int EK_REQUIRED = Tpm2.TPMA_OBJECT_FIXED_TPM
            | Tpm2.TPMA_OBJECT_FIXED_PARENT
            | Tpm2.TPMA_OBJECT_SENSITIVE_DATA_ORIGIN
            | Tpm2.TPMA_OBJECT_RESTRICTED
            | Tpm2.TPMA_OBJECT_DECRYPT;

    private final EkTrust trust;
    private final ChallengeStore store;
    private final Clock clock;
    private final Duration ttl;
    private final SecureRandom random = new SecureRandom();

    public EnrolmentVerifier(EkTrust trust, ChallengeStore store, Clock clock, Duration ttl) {
        this.trust = trust;
        this.store = store;
        this.clock = clock;
        this.ttl = ttl;
    }

    /**
     * A verifier that only finishes enrolments: the trust roots were applied when the challenge
     * was issued, so the answer needs only the pending state.
     */
    public static EnrolmentVerifier forFinishing(ChallengeStore store, Clock clock) {
        return new EnrolmentVerifier(null, store, clock, Duration.ZERO);
    }

    /** Checks {@code request} and records a pending challenge for it. */
    public EnrolmentChallenge challenge(EnrolmentRequest request) throws EnrolmentException, IOException {
        if (trust == null) {
            throw new IllegalStateException("a verifier made forFinishing() has no EK roots to issue challenges");
        }
        check(request, trust, clock.instant());
        byte[] credential = new byte[CREDENTIAL_BYTES];
        byte[] idBytes = new byte[ID_BYTES];
        random.nextBytes(credential);
        random.nextBytes(idBytes);
        String id = Hex.encode(idBytes);
        byte[] proof = EnrolmentProof.compute(credential, id, request.akPublic().name());
        try {
            var c = CredentialMaker.make(request.ekPublic(), request.akPublic().name(), credential);
            store.put(new ChallengeStore.Pending(id, clock.instant().plus(ttl), HashAlg.SHA256.hash(proof), request));
            return new EnrolmentChallenge(id, c);
        } catch (TpmFormatException e) {
            throw new EnrolmentException(Reason.EK_NOT_AN_EK, e.getMessage());
        } finally {
            Secrets.wipe(credential, proof);
        }
    }

    /** Judges the answer to a pending challenge (consuming it) and returns the AK to pin. */
    public AkRecord finish(EnrolmentAnswer answer) throws EnrolmentException, IOException {
        ChallengeStore.Pending p = store.take(answer.id());
        Instant now = clock.instant();
        if (now.isAfter(p.expires())) {
            throw new EnrolmentException(
                    Reason.CHALLENGE_EXPIRED,
                    "challenge " + p.id() + " expired at " + p.expires() + " (now " + now + ")");
        }
        if (!Secrets.equal(HashAlg.SHA256.hash(answer.proof()), p.proofSha256())) {
            throw new EnrolmentException(
                    Reason.ANSWER_WRONG,
                    "the proof does not match challenge " + p.id() + ": the credential was not activated by the TPM"
                            + " holding the EK for this AK");
        }
        EnrolmentRequest r = p.request();
        X509Certificate cert = EkCertificateValidator.parse(r.ekCertificate());
        TpmIdentity tpm = TpmIdentity.of(cert);
        return new AkRecord(
                r.akPublic(),
                HashAlg.SHA256.hash(r.ekCertificate()),
                cert.getIssuerX500Principal().getName(),
                cert.getSerialNumber().toString(16),
                r.ekPublic().name(),
                tpm.manufacturer(),
                tpm.model(),
                tpm.version(),
                now);
    }

    /** Every check of a request, in order; returns the validated EK certificate. */
    public static X509Certificate check(EnrolmentRequest r, EkTrust trust, Instant now) throws EnrolmentException {
        X509Certificate cert = EkCertificateValidator.validate(r.ekCertificate(), trust, now);
        EkCertificateValidator.requireSameKey(cert, r.ekPublic());
        TpmtPublic ek = r.ekPublic();
        if ((ek.attributes() & EK_REQUIRED) != EK_REQUIRED) {
            throw new EnrolmentException(
                    Reason.EK_NOT_AN_EK,
                    String.format(
                            "objectAttributes 0x%08x lack fixedTPM, fixedParent, sensitiveDataOrigin, restricted or"
                                    + " decrypt",
                            ek.attributes()));
        }
        try {
            CredentialMaker.requireProtector(ek);
        } catch (TpmFormatException e) {
            throw new EnrolmentException(Reason.EK_NOT_AN_EK, e.getMessage());
        }
        TpmtPublic ak = r.akPublic();
        int a = ak.attributes();
        if ((a & AK_REQUIRED) != AK_REQUIRED || (a & Tpm2.TPMA_OBJECT_DECRYPT) != 0) {
            throw new EnrolmentException(
                    Reason.AK_ATTRIBUTES,
                    String.format(
                            "objectAttributes 0x%08x: an AK needs fixedTPM, fixedParent, sensitiveDataOrigin,"
                                    + " restricted and sign set, decrypt clear",
                            a));
        }
        if (ak.nameAlg() == HashAlg.SHA1) {
            throw new EnrolmentException(Reason.AK_ATTRIBUTES, "nameAlg SHA-1 is too weak to bind the AK");
        }
        if (!MessageDigest.isEqual(ak.name(), r.akName())) {
            throw new EnrolmentException(
                    Reason.AK_NAME_MISMATCH,
                    "claimed Name " + Hex.encode(r.akName()) + " is not the AK's " + Hex.encode(ak.name()));
        }
        try {
            ak.toPublicKey();
        } catch (TpmFormatException e) {
            throw new EnrolmentException(Reason.AK_ATTRIBUTES, e.getMessage());
        }
        return cert;
    }
}
