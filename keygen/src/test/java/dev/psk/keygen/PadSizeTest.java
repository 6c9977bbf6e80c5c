package dev.psk.keygen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PadSizeTest {
    @ParameterizedTest(name = "{0} -> {1} requested, {2} written")
    @CsvSource(
            delimiter = '|',
            value = {
                "120000        | 120000        | 120000",
                "120000 bytes  | 120000        | 120000",
                "120000B       | 120000        | 120000",
                "1 byte120     | -1            | -1",
                "1G            | 1073741824    | 1073741760",
                "1GiB          | 1073741824    | 1073741760",
                "1gib          | 1073741824    | 1073741760",
                "1GB           | 1000000000    | 999999960",
                "1gb           | 1000000000    | 999999960",
                "512MiB        | 536870912     | 536870880",
                "512M          | 536870912     | 536870880",
                "12MiB         | 12582912      | 12582840",
                "1K            | 1024          | 960",
                "1kB           | 1000          | 960",
                "1KiB          | 1024          | 960",
                "1TB           | 1000000000000 | 999999999960",
                "2T            | 2199023255552 | 2199023255520",
                "1.5GiB        | 1610612736    | 1610612640",
                "0.5K          | 512           | 480",
                "120           | 120           | 120",
                "239           | 239           | 120",
                "240           | 240           | 240",
                "  64 MiB      | 67108864      | 67108800",
            })
    void parsesAndRoundsDownToWholeSlots(String text, long requested, long bytes) {
        if (requested < 0) {
            assertThatThrownBy(() -> PadSize.parse(text)).isInstanceOf(IllegalArgumentException.class);
            return;
        }
        PadSize s = PadSize.parse(text);
        assertThat(s.requestedBytes()).isEqualTo(requested);
        assertThat(s.bytes()).isEqualTo(bytes);
        assertThat(s.bytes() % 120).isZero();
        assertThat(s.roundedOffBytes()).isBetween(0L, 119L).isEqualTo(requested - bytes);
        assertThat(s.slots()).isEqualTo(bytes / 120);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "119", "119 bytes", "0.1K", "0GiB", "100B"})
    void underOneSlotIsRefusedNamingTheInput(String text) {
        assertThatThrownBy(() -> PadSize.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'")
                .hasMessageContaining("less than one 120-byte slot");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "", " ", "G", "-1", "-1G", "1X", "1 GiBs", "1e9", "0x10", "1,000", "1.2.3", "GiB1", "1 G iB", "1.",
                "NaN", "١٢٠"
            })
    void malformedIsRefused(String text) {
        assertThatThrownBy(() -> PadSize.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("size");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2000000000000000000000", "1048577T", "9223372036854775807"})
    void tooLargeIsRefused(String text) {
        assertThatThrownBy(() -> PadSize.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 256 PiB");
    }

    @org.junit.jupiter.api.Test
    void fractionalNumberIsFlooredBeforeSlotRounding() {
        assertThatThrownBy(() -> PadSize.parse("1.5")).isInstanceOf(IllegalArgumentException.class);
        assertThat(PadSize.parse("240.9").bytes()).isEqualTo(240);
    }
}
