package dev.psk.attest.quote;

import dev.psk.attest.AttestException;
import dev.psk.attest.TpmFormatException;
import dev.psk.attest.tpm.AkKeys;
import dev.psk.attest.tpm.HashAlg;
import dev.psk.attest.tpm.PcrSelection;
import dev.psk.attest.tpm.Tpm;
import dev.psk.attest.tpm.Tpm2;
import dev.psk.attest.tpm.TpmAddress;
import dev.psk.attest.tpm.TpmException;
import dev.psk.attest.tpm.TpmsAttest;
import dev.psk.attest.tpm.TpmtPublic;
import java.security.MessageDigest;

/**
 * Produces TPM 2.0 quotes: loads (or re-derives) the attestation key, reads the selected PCRs,
 * quotes them over the caller's nonce and flushes every transient object it created, on every
 * path. Thread-safe (each call opens its own connection).
 *
 * <pre>{@code
 * Quote q = Quoter.quote("swtpm:host=127.0.0.1,port=2321", AkSource.ecc(), nonce, PcrSelection.parse("sha256:0-7"));
 * }</pre>
 */
public final class Quoter {
    /** PCRs may be extended between PCR_Read and Quote; retry this often before giving up. */
    private static final int MAX_ATTEMPTS = 3;

    private Quoter() {}

    /**
     * Quotes {@code selection} with {@code nonce} (1-64 bytes) on the TPM at {@code tpmAddress}
     * ({@code swtpm:host=H,port=P} or {@code device:/dev/tpmrm0}).
     */
    public static Quote quote(String tpmAddress, AkSource ak, byte[] nonce, PcrSelection selection)
            throws AttestException {
        try (Tpm tpm = Tpm.open(address(tpmAddress))) {
            return quote(tpm, ak, nonce, selection);
        }
    }

    /** As {@link #quote(String, AkSource, byte[], PcrSelection)} on an open TPM. */
    public static Quote quote(Tpm tpm, AkSource ak, byte[] nonce, PcrSelection selection) throws AttestException {
        if (nonce.length == 0 || nonce.length > Tpm2.MAX_DATA_BYTES) {
            throw new IllegalArgumentException(
                    "nonce must be 1 to " + Tpm2.MAX_DATA_BYTES + " bytes, not " + nonce.length);
        }
        Tpm.Loaded key = load(tpm, ak);
        AttestException failure = null;
        try {
            HashAlg h = key.publicArea().schemeHash();
            if (h == null) {
                throw new AttestException("AK has no signing scheme (TPM_ALG_NULL): not an attestation key");
            }
            for (int attempt = 1; ; attempt++) {
                byte[] values = tpm.pcrRead(selection);
                Tpm.QuoteResult q = tpm.quote(key.handle(), nonce, selection);
                TpmsAttest parsed = TpmsAttest.unmarshal(q.attest());
                if (MessageDigest.isEqual(parsed.quotePcrDigest(), h.hash(values))) {
                    return new Quote(
                            q.attest(),
                            q.signature(),
                            values,
                            selection,
                            key.publicArea().toPublicKey(),
                            key.publicArea());
                }
                if (attempt == MAX_ATTEMPTS) {
                    throw new AttestException(
                            "PCRs changed between TPM2_PCR_Read and TPM2_Quote " + MAX_ATTEMPTS + " times in a row");
                }
            }
        } catch (AttestException e) {
            failure = e;
            throw e;
        } finally {
            release(tpm, key, failure);
        }
    }

    /** The AK's public area (creating and flushing the primary when needed), e.g. to pin it before any quote. */
    public static TpmtPublic akPublic(String tpmAddress, AkSource ak) throws AttestException {
        try (Tpm tpm = Tpm.open(address(tpmAddress))) {
            Tpm.Loaded key = load(tpm, ak);
            AttestException failure = null;
            try {
                return key.publicArea();
            } finally {
                release(tpm, key, failure);
            }
        }
    }

    /** PCR values of {@code selection}, concatenated in selection order. */
    public static byte[] readPcrs(String tpmAddress, PcrSelection selection) throws AttestException {
        try (Tpm tpm = Tpm.open(address(tpmAddress))) {
            return tpm.pcrRead(selection);
        }
    }

    private static Tpm.Loaded load(Tpm tpm, AkSource ak) throws TpmException, TpmFormatException {
        Tpm.Loaded key = switch (ak) {
            case AkSource.Persistent p -> tpm.readPublic(p.handle());
            default -> tpm.createPrimary(Tpm2.TPM_RH_ENDORSEMENT, ak.template());
        };
        try {
            AkKeys.requireAttestationKey(key.publicArea());
        } catch (TpmFormatException e) {
            release(tpm, key, e);
            throw new TpmFormatException(String.format("key 0x%08x: %s", key.handle(), e.getMessage()));
        }
        return key;
    }

    /** Flushes a transient key; a flush failure is added to {@code failure} when one is propagating. */
    private static void release(Tpm tpm, Tpm.Loaded key, AttestException failure) throws TpmException {
        if (!Tpm.isTransient(key.handle())) {
            return;
        }
        try {
            tpm.flush(key.handle());
        } catch (TpmException e) {
            if (failure != null) {
                failure.addSuppressed(e);
            } else {
                throw e;
            }
        }
    }

    static TpmAddress address(String text) throws AttestException {
        try {
            return TpmAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw new AttestException(e.getMessage());
        }
    }
}
