package dev.psk.attest;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.psk.attest.eventlog.EventLog;
import dev.psk.attest.policy.PcrPolicy;
import dev.psk.attest.tpm.DerEcdsa;
import dev.psk.attest.tpm.PcrSelection;
import dev.psk.attest.tpm.ToolsPcrFile;
import dev.psk.attest.tpm.TpmsAttest;
import dev.psk.attest.tpm.TpmtPublic;
import dev.psk.attest.tpm.TpmtSignature;

/**
 * Every parser of untrusted bytes, fed arbitrary input: the only exception allowed to escape is
 * {@link TpmFormatException}. Under plain {@code mvn verify} Jazzer runs the seed corpus in
 * src/test/resources/dev/psk/attest/ParserFuzzTestInputs/ as regression cases; with
 * JAZZER_FUZZ=1 it fuzzes.
 */
class ParserFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void parsersThrowOnlyTheirTypedException(byte[] data) {
        if (data.length == 0) {
            return;
        }
        byte[] body = java.util.Arrays.copyOfRange(data, 1, data.length);
        try {
            switch ((data[0] & 0xff) % 9) {
                case 0 -> TpmsAttest.unmarshal(body);
                case 1 -> TpmtSignature.unmarshal(body);
                case 2 -> PcrSelection.unmarshal(body);
                case 3 -> EventLog.parse(body);
                case 4 -> DerEcdsa.decode(body);
                case 5 -> TpmtPublic.unmarshal(body).toPublicKey();
                case 6 -> ToolsPcrFile.parse(body);
                case 7 -> PcrPolicy.parse(body);
                default -> dev.psk.attest.verify.EvidenceCodec.decode(body);
            }
        } catch (TpmFormatException expected) {
            // the typed rejection
        }
    }

    /** The enrolment files and the tpm2-tools credential file, from the network or another host. */
    @FuzzTest(maxDuration = "30s")
    void enrolmentParsersThrowOnlyTheirTypedException(byte[] data) {
        if (data.length == 0) {
            return;
        }
        byte[] body = java.util.Arrays.copyOfRange(data, 1, data.length);
        try {
            switch ((data[0] & 0xff) % 6) {
                case 0 -> dev.psk.attest.enrol.EnrolmentCodec.decodeRequest(body);
                case 1 -> dev.psk.attest.enrol.EnrolmentCodec.decodeChallenge(body);
                case 2 -> dev.psk.attest.enrol.EnrolmentCodec.decodeAnswer(body);
                case 3 -> dev.psk.attest.enrol.EnrolmentCodec.decodeRecord(body);
                case 4 -> dev.psk.attest.credential.Credential.fromToolsFile(body);
                default -> dev.psk.attest.enrol.EkCertificateValidator.parse(body);
            }
        } catch (TpmFormatException | dev.psk.attest.enrol.EnrolmentException expected) {
            // the typed rejection
        }
    }
}
