package dev.psk.tunnel.cli;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.psk.tunnel.cli.status.StatusFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fuzz target for the status file as {@code psk-tunnel show} reads it: bytes that are JSON with the
 * status format tag must print without an exception, whatever the field types; anything else is
 * refused by the JSON parser or the format check first (as in ShowCommand). In {@code mvn verify}
 * the corpus under ShowStatusFuzzTestInputs is replayed; JAZZER_FUZZ=1 fuzzes.
 */
class ShowStatusFuzzTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @FuzzTest(maxDuration = "10m")
    void statusFile(byte[] data) {
        JsonNode n;
        try {
            n = JSON.readTree(data);
        } catch (JacksonException expected) {
            return;
        }
        if (n == null || !StatusFile.FORMAT.equals(n.path("format").asString(""))) {
            return;
        }
        ShowCommand.print(new PrintWriter(new StringWriter()), n);
    }
}
