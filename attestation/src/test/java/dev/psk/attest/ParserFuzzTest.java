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
            switch ((data[0] & 0xff) % 8) {
                case 0 -> TpmsAttest.unmarshal(body);
                case 1 -> TpmtSignature.unmarshal(body);
                case 2 -> PcrSelection.unmarshal(body);
                case 3 -> EventLog.parse(body);
                case 4 -> DerEcdsa.decode(body);
                case 5 -> TpmtPublic.unmarshal(body).toPublicKey();
                case 6 -> ToolsPcrFile.parse(body);
                default -> PcrPolicy.parse(body);
            }
        } catch (TpmFormatException expected) {
            // the typed rejection
        }
    }
}
