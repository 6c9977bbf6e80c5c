package dev.psk.attest.enrol;

/** The device's answer: the challenge id and {@link EnrolmentProof} over the activated credential. */
public record EnrolmentAnswer(String id, byte[] proof) {}
