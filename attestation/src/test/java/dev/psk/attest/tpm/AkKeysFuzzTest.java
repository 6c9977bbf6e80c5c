package dev.psk.attest.tpm;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.psk.attest.TpmFormatException;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;

/**
 * Fuzz target for {@link AkKeys#parse}, which reads an AK given as PEM, DER SubjectPublicKeyInfo,
 * a TPM2B_PUBLIC/TPMT_PUBLIC, or an enrolment record (JSON). Contract: it returns an EC or RSA key
 * (RSA of at least {@link AkKeys#MIN_RSA_BITS} bits) or throws {@link TpmFormatException}; never
 * anything else. In {@code mvn verify} the corpus under AkKeysFuzzTestInputs is replayed (it keeps
 * the overlapping-PEM-markers input that once escaped as StringIndexOutOfBoundsException);
 * JAZZER_FUZZ=1 fuzzes.
 */
class AkKeysFuzzTest {
    @FuzzTest(maxDuration = "10m")
    void parse(byte[] data) {
        PublicKey k;
        try {
            k = AkKeys.parse(data);
        } catch (TpmFormatException expected) {
            return;
        }
        if (k instanceof RSAPublicKey r && r.getModulus().bitLength() < AkKeys.MIN_RSA_BITS) {
            throw new AssertionError("short RSA AK accepted: " + r.getModulus().bitLength() + " bits");
        }
        if (!k.getAlgorithm().equals("EC") && !k.getAlgorithm().equals("RSA")) {
            throw new AssertionError("unexpected AK algorithm " + k.getAlgorithm());
        }
    }
}
