package dev.psk.attest.enrol;

import dev.psk.attest.AttestException;
import dev.psk.attest.TpmFormatException;
import dev.psk.attest.credential.Credential;
import dev.psk.attest.quote.AkSource;
import dev.psk.attest.tpm.AkKeys;
import dev.psk.attest.tpm.EkTemplate;
import dev.psk.attest.tpm.Tpm;
import dev.psk.attest.tpm.Tpm2;
import dev.psk.attest.tpm.TpmActivation;
import dev.psk.attest.tpm.TpmAddress;
import dev.psk.attest.tpm.TpmException;
import dev.psk.attest.tpm.TpmNv;
import dev.psk.common.Secrets;
import java.util.Arrays;

/**
 * The device side of enrolment, through the project's own TPM command layer: {@link #request}
 * gathers the EK certificate, the EK and the AK; {@link #respond} activates the verifier's
 * credential and answers with {@link EnrolmentProof}. The EK is re-derived with its standard
 * template (TPM2_CreatePrimary, as {@code tpm2_createek}); the AK is the one {@code psk-attest
 * quote} uses. Every transient object and session is flushed on every path.
 */
public final class Enroller {
    private Enroller() {}

    public static EnrolmentRequest request(String tpmAddress, EkTemplate ek, AkSource ak) throws AttestException {
        try (Tpm tpm = Tpm.open(address(tpmAddress))) {
            return request(tpm, ek, ak);
        }
    }

    public static EnrolmentRequest request(Tpm tpm, EkTemplate ek, AkSource ak) throws AttestException {
        byte[] cert = readEkCertificate(tpm, ek);
        Tpm.Loaded ekKey = tpm.createPrimary(Tpm2.TPM_RH_ENDORSEMENT, ek.template());
        try (Flusher _ = new Flusher(tpm, ekKey.handle())) {
            Tpm.Loaded akKey = loadAk(tpm, ak);
            try (Flusher _ = new Flusher(tpm, akKey.handle())) {
                return new EnrolmentRequest(cert, ekKey.publicArea(), akKey.publicArea(), akKey.name());
            }
        }
    }

    /** Activates the challenge's credential on this TPM and returns the answer for the verifier. */
    public static EnrolmentAnswer respond(String tpmAddress, EkTemplate ek, AkSource ak, EnrolmentChallenge challenge)
            throws AttestException {
        try (Tpm tpm = Tpm.open(address(tpmAddress))) {
            Tpm.Loaded ekKey = tpm.createPrimary(Tpm2.TPM_RH_ENDORSEMENT, ek.template());
            try (Flusher _ = new Flusher(tpm, ekKey.handle())) {
                Tpm.Loaded akKey = loadAk(tpm, ak);
                try (Flusher _ = new Flusher(tpm, akKey.handle())) {
                    byte[] secret = activate(tpm, akKey.handle(), ekKey, challenge.credential());
                    try {
                        return new EnrolmentAnswer(
                                challenge.id(), EnrolmentProof.compute(secret, challenge.id(), akKey.name()));
                    } finally {
                        Secrets.wipe(secret);
                    }
                }
            }
        }
    }

    /** TPM2_ActivateCredential of {@code credential} for the object at {@code akHandle} with the loaded EK. */
    public static byte[] activate(Tpm tpm, int akHandle, Tpm.Loaded ek, Credential credential) throws TpmException {
        return TpmActivation.activate(tpm, akHandle, ek, credential.idObject(), credential.encryptedSecret());
    }

    /**
     * The EK certificate at the template's NV index, cut to the DER length its header states: some
     * TPMs store certificates in indices larger than the certificate, padded with zeros or 0xff.
     */
    public static byte[] readEkCertificate(Tpm tpm, EkTemplate ek) throws AttestException {
        byte[] nv;
        try {
            nv = TpmNv.readAll(tpm, ek.certificateIndex());
        } catch (TpmException e) {
            throw new AttestException(String.format(
                    "no %s EK certificate at NV index 0x%08x: %s",
                    ek.optionName(), ek.certificateIndex(), e.getMessage()));
        }
        return Arrays.copyOf(nv, derLength(nv, ek.certificateIndex()));
    }

    /** Length of the DER SEQUENCE at the start of {@code b} (tag, length, contents). */
    static int derLength(byte[] b, int index) throws TpmFormatException {
        String where = String.format("EK certificate at NV 0x%08x", index);
        if (b.length < 2 || (b[0] & 0xff) != 0x30) {
            throw new TpmFormatException(where + ": does not start with a DER SEQUENCE");
        }
        int first = b[1] & 0xff;
        long len;
        int header;
        if (first < 0x80) {
            len = first;
            header = 2;
        } else {
            int n = first & 0x7f;
            if (n == 0 || n > 3 || b.length < 2 + n) {
                throw new TpmFormatException(where + ": bad DER length octets");
            }
            len = 0;
            for (int i = 0; i < n; i++) {
                len = (len << 8) | (b[2 + i] & 0xff);
            }
            header = 2 + n;
        }
        if (header + len > b.length) {
            throw new TpmFormatException(
                    where + ": DER says " + (header + len) + " bytes, the index holds " + b.length);
        }
        return (int) (header + len);
    }

    static Tpm.Loaded loadAk(Tpm tpm, AkSource ak) throws AttestException {
        Tpm.Loaded key = switch (ak) {
            case AkSource.Persistent p -> tpm.readPublic(p.handle());
            default -> tpm.createPrimary(Tpm2.TPM_RH_ENDORSEMENT, ak.template());
        };
        try {
            AkKeys.requireAttestationKey(key.publicArea());
            return key;
        } catch (TpmFormatException e) {
            if (Tpm.isTransient(key.handle())) {
                try {
                    tpm.flush(key.handle());
                } catch (TpmException f) {
                    e.addSuppressed(f);
                }
            }
            throw e;
        }
    }

    private static TpmAddress address(String text) throws AttestException {
        try {
            return TpmAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw new AttestException(e.getMessage());
        }
    }

    /** Flushes a transient handle when closed (persistent handles are left alone). */
    private record Flusher(Tpm tpm, int handle) implements AutoCloseable {
        @Override
        public void close() throws TpmException {
            if (Tpm.isTransient(handle)) {
                tpm.flush(handle);
            }
        }
    }
}
