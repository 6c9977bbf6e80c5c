package dev.psk.attest.enrol;

import dev.psk.attest.TpmFormatException;
import dev.psk.attest.tpm.AkKeys;
import dev.psk.attest.tpm.TpmtPublic;
import java.security.PublicKey;

/**
 * Reads a pinned attestation key in any of the forms an operator holds: the AK record that
 * {@code psk-attest enroll-finish} writes (JSON, with the EK evidence it was enrolled under), or a
 * bare public key ({@link AkKeys#parse}: PEM, DER, TPM2B_PUBLIC). It sits above both the TPM
 * structures and the enrolment codec so that neither has to know the other.
 */
public final class PinnedAk {
    private PinnedAk() {}

    /**
     * @throws TpmFormatException naming what is wrong with the record or key
     */
    public static PublicKey parse(byte[] bytes) throws TpmFormatException {
        if (EnrolmentCodec.looksLikeJson(bytes)) {
            TpmtPublic pub = EnrolmentCodec.decodeRecord(bytes).akPublic();
            AkKeys.requireAttestationKey(pub);
            return pub.toPublicKey();
        }
        return AkKeys.parse(bytes);
    }
}
