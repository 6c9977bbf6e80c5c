package dev.psk.attest.enrol;

import dev.psk.common.Hex;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The answer to a challenge: HMAC-SHA256(credential, "psk-attest enrolment v1" || 0x00 || id ||
 * AK Name). Keyed by the activated credential, it proves the device activated it without sending
 * the credential itself, and binds the proof to this challenge and this AK.
 */
public final class EnrolmentProof {
    private static final byte[] LABEL = "psk-attest enrolment v1\0".getBytes(StandardCharsets.US_ASCII);

    private EnrolmentProof() {}

    public static byte[] compute(byte[] credential, String id, byte[] akName) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(credential, "HmacSHA256"));
            mac.update(LABEL);
            mac.update(Hex.decode(id, "challenge id"));
            return mac.doFinal(akName);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks HmacSHA256", e);
        }
    }
}
