package dev.psk.tunnel.state;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.psk.common.state.TunnelState;
import dev.psk.common.state.TunnelStateFile;
import java.nio.file.Path;

/**
 * Fuzz target for the tunnel state file parser. Contract: {@link StateFile#decode} returns a state
 * whose counters are non-negative and that encodes and decodes to itself, or throws
 * {@link TunnelStateException}; never anything else. In {@code mvn verify} the corpus under
 * StateFileFuzzTestInputs is replayed; JAZZER_FUZZ=1 fuzzes.
 */
class StateFileFuzzTest {
    private static final Path FILE = Path.of("fuzz-state.json");

    @FuzzTest(maxDuration = "10m")
    void decode(byte[] data) {
        TunnelState s;
        try {
            s = StateFile.decode(data, FILE);
        } catch (TunnelStateException expected) {
            return;
        }
        if (s.txReservedUntil() < 0 || s.rxFloor() < 0 || s.erasedSlots() < 0 || s.padSlots() < 0) {
            throw new AssertionError("negative counter accepted: " + s);
        }
        TunnelState again;
        try {
            again = StateFile.decode(TunnelStateFile.encode(s, java.time.Instant.EPOCH), FILE);
        } catch (TunnelStateException e) {
            throw new AssertionError("an accepted state does not survive encode/decode", e);
        }
        if (!again.equals(s)) {
            throw new AssertionError("encode/decode changed " + s + " into " + again);
        }
    }
}
