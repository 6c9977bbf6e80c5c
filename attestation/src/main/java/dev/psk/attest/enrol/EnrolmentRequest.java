package dev.psk.attest.enrol;

import dev.psk.attest.tpm.TpmtPublic;

/**
 * What a device sends to enrol (psk-attest enroll): its EK certificate as read from the TPM's NV
 * index, the EK's public area from TPM2_CreatePrimary with the standard template, and the AK's
 * public area and Name. Nothing in it is trusted until the verifier has checked it.
 */
public record EnrolmentRequest(byte[] ekCertificate, TpmtPublic ekPublic, TpmtPublic akPublic, byte[] akName) {}
