package dev.psk.keygen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.psk.common.state.StateFileException;
import dev.psk.common.state.TunnelState;
import dev.psk.common.state.TunnelStateFile;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A state file's usage figures against a pad ({@link PadUsage}). The parser itself is tested in
 * common ({@code TunnelStateFileTest}); keygen reads state only through it.
 */
public class TunnelStateTest {
    public static final String FP = "00112233445566778899aabbccddeeff";

    public static String state(String role, long tx, long rx, long erased) {
        return """
                {"format": "psk-tunnel-state/1", "pad_fingerprint": "%s", "role": "%s",
                 "tx_reserved_until": %d, "rx_floor": %d, "erased_slots": %d,
                 "future_field": {"ignored": [1, 2, 3]}}
                """.formatted(FP, role, tx, rx, erased);
    }

    static TunnelState parse(String json) throws StateFileException {
        return TunnelStateFile.parse(json.getBytes(StandardCharsets.UTF_8), "s");
    }

    @Test
    void usagePerDirectionFollowsTheRole() throws Exception {
        PadCapacity c = new PadCapacity(120L * 11); // 10 data slots + control slot
        PadUsage u = PadUsage.of(c, parse(state("initiator", 2500, 1000, 2)), "s");
        assertThat(u.send()).isEqualTo(new PadUsage.Direction("send A->B", 2500, 3, 7, 7500));
        assertThat(u.receive()).isEqualTo(new PadUsage.Direction("receive B->A", 1000, 1, 9, 9000));
        PadUsage r = PadUsage.of(c, parse(state("responder", 0, 10_000, 0)), "s");
        assertThat(r.send()).isEqualTo(new PadUsage.Direction("send B->A", 0, 0, 10, 10_000));
        assertThat(r.receive()).isEqualTo(new PadUsage.Direction("receive A->B", 10_000, 10, 0, 0));
    }

    @Test
    void reservationsBeyondThePadReadAsExhausted() throws Exception {
        // Issue #17: psk-tunnel reserves ahead, so near the end of a pad it writes bounds past the
        // last packet and restarts from them; info must read them, not refuse them.
        PadCapacity c = new PadCapacity(120L * 11);
        PadUsage u = PadUsage.of(c, parse(state("initiator", 10_001, 10_000 + 65_536, 0)), "s");
        assertThat(u.send()).isEqualTo(new PadUsage.Direction("send A->B", 10_001, 10, 0, 0));
        assertThat(u.receive()).isEqualTo(new PadUsage.Direction("receive B->A", 75_536, 10, 0, 0));
    }

    @Test
    void erasureBeyondThePadIsRefusedAsPskTunnelRefusesIt() throws Exception {
        PadCapacity c = new PadCapacity(120L * 11);
        assertThat(PadUsage.of(c, parse(state("initiator", 0, 0, 10)), "s")
                        .state()
                        .erasedSlots())
                .isEqualTo(10);
        assertThatThrownBy(() -> PadUsage.of(c, parse(state("initiator", 0, 0, 11)), "s"))
                .isInstanceOf(StateFileException.class)
                .hasMessageContaining("\"erased_slots\" is 11");
    }
}
