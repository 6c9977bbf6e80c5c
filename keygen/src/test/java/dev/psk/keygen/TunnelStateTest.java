package dev.psk.keygen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

public class TunnelStateTest {
    public static final String FP = "00112233445566778899aabbccddeeff";

    public static String state(String role, long tx, long rx, long erased) {
        return """
                {"format": "psk-tunnel-state/1", "pad_fingerprint": "%s", "role": "%s",
                 "tx_reserved_until": %d, "rx_floor": %d, "erased_slots": %d,
                 "future_field": {"ignored": [1, 2, 3]}}
                """.formatted(FP, role, tx, rx, erased);
    }

    @Test
    void readsTheDocumentedFieldsAndIgnoresOthers() throws Exception {
        TunnelState s = TunnelState.parse(state("responder", 2500, 17, 1), "s");
        assertThat(s).isEqualTo(new TunnelState(FP, false, 2500, 17, 1));
    }

    @Test
    void usagePerDirectionFollowsTheRole() throws Exception {
        PadCapacity c = new PadCapacity(120L * 11); // 10 data slots + control slot
        PadUsage u = PadUsage.of(c, TunnelState.parse(state("initiator", 2500, 1000, 2), "s"), "s");
        assertThat(u.send()).isEqualTo(new PadUsage.Direction("send A->B", 2500, 3, 7, 7500));
        assertThat(u.receive()).isEqualTo(new PadUsage.Direction("receive B->A", 1000, 1, 9, 9000));
        PadUsage r = PadUsage.of(c, TunnelState.parse(state("responder", 0, 10_000, 0), "s"), "s");
        assertThat(r.send()).isEqualTo(new PadUsage.Direction("send B->A", 0, 0, 10, 10_000));
        assertThat(r.receive()).isEqualTo(new PadUsage.Direction("receive A->B", 10_000, 10, 0, 0));
    }

    @Test
    void stateBeyondThePadIsRefused() throws Exception {
        PadCapacity c = new PadCapacity(120L * 11);
        assertThatThrownBy(() -> PadUsage.of(c, TunnelState.parse(state("initiator", 10_001, 0, 0), "s"), "s"))
                .hasMessageContaining("\"tx_reserved_until\" is 10001, beyond the pad's 10000");
        assertThatThrownBy(() -> PadUsage.of(c, TunnelState.parse(state("initiator", 0, 10_001, 0), "s"), "s"))
                .hasMessageContaining("\"rx_floor\"");
        assertThatThrownBy(() -> PadUsage.of(c, TunnelState.parse(state("initiator", 0, 0, 11), "s"), "s"))
                .hasMessageContaining("\"erased_slots\" is 11");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{                                                                  | not valid JSON",
                "[]                                                                 | expected a JSON object",
                "{}                                                                 | missing field \"format\"",
                "{\"format\":\"psk-tunnel-state/2\"}                                | field \"format\" is \"psk-tunnel-state/2\"",
                "{\"format\":1}                                                     | field \"format\" must be a string",
                "{\"format\":\"psk-tunnel-state/1\"}                                | missing field \"pad_fingerprint\"",
                "{\"format\":\"psk-tunnel-state/1\",\"pad_fingerprint\":\"00\"}     | field \"pad_fingerprint\" must be 32 hex digits",
                "{\"format\":\"psk-tunnel-state/1\",\"format\":\"psk-tunnel-state/1\"} | not valid JSON",
            })
    void malformedStateNamesTheField(String json, String expected) {
        assertThatThrownBy(() -> TunnelState.parse(json, "state s.json"))
                .isInstanceOf(TunnelState.StateFileException.class)
                .hasMessageStartingWith("state s.json: ")
                .hasMessageContaining(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "role              | \"observer\"    | field \"role\" is \"observer\"",
                "tx_reserved_until | -1              | field \"tx_reserved_until\" must be a non-negative integer",
                "rx_floor          | 1.5             | field \"rx_floor\" must be a non-negative integer",
                "erased_slots      | \"3\"           | field \"erased_slots\" must be a non-negative integer",
                "tx_reserved_until | 99999999999999999999999 | field \"tx_reserved_until\" must be a non-negative integer",
                "rx_floor          | null            | missing field \"rx_floor\"",
            })
    void badFieldValuesAreNamed(String field, String value, String expected) {
        String json = state("initiator", 1, 1, 1)
                .replaceFirst("\"" + field + "\": [^,]+,", "\"" + field + "\": " + value + ",");
        assertThat(json).contains("\"" + field + "\": " + value);
        assertThatThrownBy(() -> TunnelState.parse(json, "s"))
                .isInstanceOf(TunnelState.StateFileException.class)
                .hasMessageContaining(expected);
    }
}
