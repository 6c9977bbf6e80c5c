package dev.psk.tunnel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.tunnel.session.PadStatus;
import org.junit.jupiter.api.Test;

/**
 * Issue #17: the 10 % and 1 % warnings fire once each as the packets left cross them, however
 * small the pad and however far one step goes (the old check skipped the 10 % warning when one
 * tick went straight below 1 %).
 */
class PadWarningsTest {
    private static PadStatus sent(long dataSlots, long txNext) {
        return new PadStatus(dataSlots, txNext, 0, -1, 0, true);
    }

    @Test
    void aOneSlotPadWarnsBelowOneHundredAndBelowTenPacketsOnceEach() {
        StatsReporter r = new StatsReporter();
        assertThat(r.padWarnings(sent(1, 900))).as("100 left: not below 10 %").isEmpty();
        assertThat(r.padWarnings(sent(1, 901))).singleElement().asString().startsWith("pad below 10%");
        assertThat(r.padWarnings(sent(1, 950))).as("once").isEmpty();
        assertThat(r.padWarnings(sent(1, 990))).as("10 left: not below 1 %").isEmpty();
        assertThat(r.padWarnings(sent(1, 991)))
                .singleElement()
                .asString()
                .startsWith("pad almost exhausted")
                .contains("(9 packets)");
        assertThat(r.padWarnings(sent(1, 1000))).as("once").isEmpty();
    }

    @Test
    void oneStepFromPlentyToNothingGivesBothWarningsInOrder() {
        StatsReporter r = new StatsReporter();
        assertThat(r.padWarnings(sent(2, 10))).isEmpty();
        assertThat(r.padWarnings(sent(2, 2000)))
                .hasSize(2)
                .satisfiesExactly(
                        w -> assertThat(w).startsWith("pad below 10%"),
                        w -> assertThat(w).startsWith("pad almost exhausted").contains("(0 packets)"));
        assertThat(r.padWarnings(sent(2, 2000))).isEmpty();
    }

    @Test
    void aStartBelowAThresholdWarnsOnceForThatRun() {
        StatsReporter r = new StatsReporter();
        assertThat(r.padWarnings(sent(100, 95_000))).singleElement().asString().startsWith("pad below 10%");
        assertThat(r.padWarnings(sent(100, 95_001))).isEmpty();
    }
}
