package dev.psk.attest.tpm;

import dev.psk.attest.TpmFormatException;
import java.security.SecureRandom;

/**
 * TPM2_ActivateCredential (TPM 2.0 Part 3 §12.5) with the sessions an endorsement key needs. The
 * credentialed object (the AK) is authorized for the ADMIN role by its empty authValue; the EK for
 * the USER role either by an empty password (high-range templates set userWithAuth) or, for the
 * low-range templates, by a policy session that satisfies their authPolicy: TPM2_PolicySecret with
 * the endorsement hierarchy's empty authorization. The policy session is flushed on every path.
 */
public final class TpmActivation {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Smallest nonceCaller the TPM accepts (Part 3 §11.1). */
    private static final int NONCE_BYTES = 16;

    private TpmActivation() {}

    /**
     * Recovers the credential that {@code idObject} (TPM2B_ID_OBJECT contents) and {@code
     * encryptedSecret} (TPM2B_ENCRYPTED_SECRET contents) protect, if they were made for {@code ek}
     * and the Name of the object at {@code activateHandle}.
     *
     * @throws TpmException with the TPM's code otherwise: TPM_RC_INTEGRITY when the Name or the
     *     blob does not match, a value/size/scheme error when the seed was not encrypted to this EK
     */
    public static byte[] activate(Tpm tpm, int activateHandle, Tpm.Loaded ek, byte[] idObject, byte[] encryptedSecret)
            throws TpmException {
        boolean password = (ek.publicArea().attributes() & Tpm2.TPMA_OBJECT_USER_WITH_AUTH) != 0;
        int session = password ? 0 : startPolicySession(tpm, ek.publicArea().nameAlg());
        TpmException failure = null;
        try {
            if (!password) {
                policySecret(tpm, Tpm2.TPM_RH_ENDORSEMENT, session);
            }
            byte[] params =
                    new TpmWriter().tpm2b(idObject).tpm2b(encryptedSecret).toByteArray();
            TpmReader r = tpm.call(
                    "TPM2_ActivateCredential",
                    Tpm2.TPM_CC_ACTIVATE_CREDENTIAL,
                    new int[] {activateHandle, ek.handle()},
                    new int[] {Tpm2.TPM_RS_PW, password ? Tpm2.TPM_RS_PW : session},
                    params);
            try {
                r.u32("parameterSize");
                return r.tpm2b(Tpm2.MAX_DIGEST_BYTES, "certInfo");
            } catch (TpmFormatException e) {
                throw new TpmException("TPM2_ActivateCredential: malformed response: " + e.getMessage(), e);
            }
        } catch (TpmException e) {
            failure = e;
            throw e;
        } finally {
            if (!password) {
                try {
                    tpm.flush(session);
                } catch (TpmException e) {
                    if (failure != null) {
                        failure.addSuppressed(e);
                    } else {
                        throw e;
                    }
                }
            }
        }
    }

    /** TPM2_StartAuthSession (Part 3 §11.1): an unbound, unsalted policy session hashing with {@code hash}. */
    static int startPolicySession(Tpm tpm, HashAlg hash) throws TpmException {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        TpmWriter params = new TpmWriter().tpm2b(nonce).u16(0); // nonceCaller, encryptedSalt: none
        params.u8(Tpm2.TPM_SE_POLICY).u16(Tpm2.TPM_ALG_NULL).u16(hash.id()); // type, symmetric, authHash
        TpmReader r = tpm.call(
                "TPM2_StartAuthSession",
                Tpm2.TPM_CC_START_AUTH_SESSION,
                new int[] {Tpm2.TPM_RH_NULL, Tpm2.TPM_RH_NULL},
                new int[0],
                params.toByteArray());
        try {
            int handle = r.u32("sessionHandle");
            r.tpm2b(Tpm2.MAX_DIGEST_BYTES, "nonceTPM");
            return handle;
        } catch (TpmFormatException e) {
            throw new TpmException("TPM2_StartAuthSession: malformed response: " + e.getMessage(), e);
        }
    }

    /** TPM2_PolicySecret (Part 3 §23.4) with {@code authHandle}'s empty password, no expiry, no policyRef. */
    static void policySecret(Tpm tpm, int authHandle, int session) throws TpmException {
        TpmWriter params = new TpmWriter().u16(0).u16(0).u16(0).u32(0); // nonceTPM, cpHashA, policyRef, expiration
        tpm.call(
                "TPM2_PolicySecret",
                Tpm2.TPM_CC_POLICY_SECRET,
                new int[] {authHandle, session},
                new int[] {Tpm2.TPM_RS_PW},
                params.toByteArray());
    }
}
