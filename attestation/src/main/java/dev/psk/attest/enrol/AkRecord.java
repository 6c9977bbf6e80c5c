package dev.psk.attest.enrol;

import dev.psk.attest.tpm.TpmtPublic;
import java.time.Instant;

/**
 * The pinned AK that a finished enrolment writes: the AK's public area (what {@code verify --ak}
 * and the tunnel's {@code --peer-ak} read from this record) and what it was bound to — the SHA-256
 * of the EK certificate, its issuer and serial, the EK's Name, the TPM identity from the
 * certificate's SubjectAltName — and when.
 */
public record AkRecord(
        TpmtPublic akPublic,
        byte[] ekCertificateSha256,
        String ekIssuer,
        String ekSerial,
        byte[] ekName,
        String tpmManufacturer,
        String tpmModel,
        String tpmVersion,
        Instant enrolledAt) {}
