package dev.psk.attest.enrol;

import dev.psk.attest.credential.Credential;

/** The verifier's challenge: a credential only the enrolling TPM can activate, and the id of the pending enrolment. */
public record EnrolmentChallenge(String id, Credential credential) {}
