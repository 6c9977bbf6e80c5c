package dev.psk.attest.quote;

import dev.psk.attest.tpm.Tpm2;
import dev.psk.attest.tpm.TpmtPublic;

/**
 * Which attestation key a {@link Quoter} signs with. The primary choices re-derive a restricted
 * signing key in the endorsement hierarchy from a fixed template on every use: a primary key is a
 * deterministic function of the hierarchy seed and the template (TPM 2.0 Part 1 §27.3), so the same
 * TPM yields the same AK each time until its endorsement seed changes (TPM2_ChangeEPS), and there
 * is nothing to store or leak. {@link Persistent} uses a key already made persistent (e.g. with
 * {@code tpm2_evictcontrol}); it is never flushed.
 */
public sealed interface AkSource {
    /** ECC P-256, ECDSA with SHA-256 (the default). */
    record EccPrimary() implements AkSource {}

    /** RSA 2048, RSASSA-PKCS1-v1_5 with SHA-256. */
    record RsaPrimary() implements AkSource {}

    /** A persistent restricted signing key at {@code handle} (0x81xxxxxx). */
    record Persistent(int handle) implements AkSource {
        public Persistent {
            if ((handle >>> 24) != Tpm2.TPM_HT_PERSISTENT) {
                throw new IllegalArgumentException(
                        String.format("0x%08x is not a persistent handle (0x81xxxxxx)", handle));
            }
        }
    }

    static AkSource ecc() {
        return new EccPrimary();
    }

    static AkSource rsa() {
        return new RsaPrimary();
    }

    /** The TPMT_PUBLIC template of a primary source, null for a persistent one. */
    default byte[] template() {
        return switch (this) {
            case EccPrimary e -> TpmtPublic.eccAkTemplate();
            case RsaPrimary r -> TpmtPublic.rsaAkTemplate();
            case Persistent p -> null;
        };
    }
}
