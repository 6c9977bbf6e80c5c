package dev.psk.common.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The one state-file parser: what it accepts, and a named error for everything it refuses. */
class TunnelStateFileTest {
    static final String FP = "00112233445566778899aabbccddeeff";

    @TempDir
    Path dir;

    static String state(String role, long tx, long rx, long erased) {
        return """
                {"format": "psk-tunnel-state/1", "pad_fingerprint": "%s", "role": "%s",
                 "tx_reserved_until": %d, "rx_floor": %d, "erased_slots": %d,
                 "future_field": {"ignored": [1, 2, 3]}}
                """.formatted(FP, role, tx, rx, erased);
    }

    private static TunnelState parse(String json) throws StateFileException {
        return TunnelStateFile.parse(json.getBytes(StandardCharsets.UTF_8), "state s.json");
    }

    @Test
    void readsTheDocumentedFieldsAndIgnoresOthers() throws Exception {
        assertThat(parse(state("responder", 2500, 17, 1))).isEqualTo(new TunnelState(FP, false, 2500, 17, 1, 0, false));
        assertThat(parse(state("initiator", 0, 0, 0)).initiator()).isTrue();
    }

    @Test
    void optionalFieldsAreReadWhenPresent() throws Exception {
        String json = state("initiator", 1, 2, 0)
                .replace("\"future_field\"", "\"pad_slots\": 11, \"clean_stop\": true, \"x\"");
        assertThat(parse(json)).isEqualTo(new TunnelState(FP, true, 1, 2, 0, 11, true));
        // clean_stop other than true reads as a crash: the safe reading.
        assertThat(parse(json.replace("\"clean_stop\": true", "\"clean_stop\": \"yes\""))
                        .cleanStop())
                .isFalse();
    }

    @Test
    void whatIsWrittenIsReadBackExactly() throws Exception {
        TunnelState s = new TunnelState(FP, true, 9_007, 9_003, 8, 10, false);
        Path f = dir.resolve("state.json");
        TunnelStateFile.write(f, s);
        assertThat(TunnelStateFile.read(f)).isEqualTo(s);
        assertThat(Files.getPosixFilePermissions(f)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        String text = new String(TunnelStateFile.encode(s, Instant.EPOCH), StandardCharsets.UTF_8);
        assertThat(text)
                .contains("\"format\" : \"psk-tunnel-state/1\"")
                .contains("\"role\" : \"initiator\"")
                .contains("\"packets_per_slot\" : 1000")
                .contains("\"updated\" : \"1970-01-01T00:00:00Z\"");
        assertThat(TunnelStateFile.parse(text.getBytes(StandardCharsets.UTF_8), "x"))
                .isEqualTo(s);
    }

    @Test
    void boundsBeyondAnyPadAreStillAState() throws Exception {
        // The reader does not know the pad: reservations past its end are the caller's reading.
        assertThat(parse(state("initiator", Long.MAX_VALUE, Long.MAX_VALUE, 0)).rxFloor())
                .isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void missingAndUnreadableFiles() throws Exception {
        assertThatThrownBy(() -> TunnelStateFile.read(dir.resolve("none.json")))
                .isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> TunnelStateFile.read(dir))
                .isInstanceOf(StateFileException.class)
                .hasMessageStartingWith("state file " + dir + ": cannot read");
        Path huge = dir.resolve("huge.json");
        Files.write(huge, new byte[TunnelStateFile.MAX_BYTES + 1]);
        assertThatThrownBy(() -> TunnelStateFile.read(huge))
                .isInstanceOf(StateFileException.class)
                .hasMessageContaining(huge.toString())
                .hasMessageContaining("larger than");
        assertThatThrownBy(() -> TunnelStateFile.parse(new byte[TunnelStateFile.MAX_BYTES + 1], "s"))
                .hasMessageContaining("a state file has under");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{                                                                  | not valid JSON",
                "[]                                                                 | expected a JSON object",
                "null                                                               | expected a JSON object",
                "42                                                                 | expected a JSON object",
                "'\"x\"'                                                            | expected a JSON object",
                "{}                                                                 | missing field \"format\"",
                "{\"format\":\"psk-tunnel-state/2\"}                                | missing field \"pad_fingerprint\"",
                "{\"format\":\"psk-tunnel-state/1\",\"format\":\"psk-tunnel-state/1\"} | not valid JSON",
            })
    void malformedStateNamesTheInputAndTheProblem(String json, String expected) {
        assertThatThrownBy(() -> parse(json))
                .isInstanceOf(StateFileException.class)
                .hasMessageStartingWith("state s.json: ")
                .hasMessageContaining(expected);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "format            | \"psk-tunnel-state/2\" | field \"format\" is \"psk-tunnel-state/2\"",
                "format            | 1               | field \"format\" must be a string",
                "pad_fingerprint   | \"00\"          | field \"pad_fingerprint\" must be 32 lower-case hex digits",
                "pad_fingerprint   | \"00112233445566778899AABBCCDDEEFF\" | must be 32 lower-case hex digits",
                "pad_fingerprint   | 7               | field \"pad_fingerprint\" must be a string",
                "role              | \"observer\"    | field \"role\" is \"observer\"",
                "role              | true            | field \"role\" must be a string",
                "tx_reserved_until | -1              | field \"tx_reserved_until\" must be a non-negative integer",
                "rx_floor          | 1.5             | field \"rx_floor\" must be a non-negative integer",
                "erased_slots      | \"3\"           | field \"erased_slots\" must be a non-negative integer",
                "tx_reserved_until | 99999999999999999999999 | field \"tx_reserved_until\" must be a non-negative integer",
                "tx_reserved_until | 9223372036854775808 | field \"tx_reserved_until\" must be a non-negative integer",
                "rx_floor          | null            | missing field \"rx_floor\"",
                "erased_slots      | {}              | field \"erased_slots\" must be a non-negative integer",
            })
    void badFieldValuesAreNamed(String field, String value, String expected) {
        String json = state("initiator", 1, 1, 1)
                .replaceFirst(
                        "\"" + field + "\": [^,]+,", Matcher.quoteReplacement("\"" + field + "\": " + value + ","));
        assertThat(json).contains("\"" + field + "\": " + value + ",");
        assertThatThrownBy(() -> parse(json))
                .isInstanceOf(StateFileException.class)
                .hasMessageContaining(expected);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "   ",
                "{\"format\":\"psk-tunnel-state/1\"} trailing",
                "{\"format\":\"psk-tunnel-state/1\"}{}",
            })
    void emptyOrTrailingContentIsRefused(String content) {
        assertThatThrownBy(() -> parse(content)).isInstanceOf(StateFileException.class);
    }

    @Test
    void optionalCountersAreCheckedWhenPresent() {
        String json = state("initiator", 1, 1, 1).replace("\"future_field\"", "\"pad_slots\": -4, \"x\"");
        assertThatThrownBy(() -> parse(json))
                .hasMessageContaining("field \"pad_slots\" must be a non-negative integer");
    }

    @Test
    void binaryGarbageIsRefused() {
        assertThatThrownBy(() -> TunnelStateFile.parse(new byte[] {(byte) 0xff, 0, 1, 2, '{'}, "s"))
                .isInstanceOf(StateFileException.class)
                .hasMessageStartingWith("s: not valid JSON");
    }

    @Test
    void theModelRefusesWhatTheFileCannotHold() {
        assertThatThrownBy(() -> new TunnelState("AB", true, 0, 0, 0, 0, true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TunnelState(FP, true, -1, 0, 0, 0, true))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
