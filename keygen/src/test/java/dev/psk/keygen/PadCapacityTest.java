package dev.psk.keygen;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PadCapacityTest {
    @Test
    void oneGibibyteMatchesTheSeedsWorkedExample() {
        // The seed design (docs/glossary.md): 1 GiB = 1,073,741,824 bytes gives 8,947,848 slots, ~8.95e9 packets per
        // direction.
        PadCapacity c = new PadCapacity(1_073_741_824L);
        assertThat(c.slots()).isEqualTo(8_947_848L);
        assertThat(c.packetsPerDirection()).isEqualTo(8_947_848_000L);
        assertThat(c.packetsBothDirections()).isEqualTo(17_895_696_000L);
        assertThat(c.trailingBytes()).isEqualTo(64);
        assertThat(c.dataSlots()).isEqualTo(8_947_847L);
        assertThat(c.dataPacketsPerDirection()).isEqualTo(8_947_847_000L);
    }

    @Test
    void generatedPadHasTheSameSlotsAsTheSeedFormula() {
        PadSize s = PadSize.parse("1GiB");
        assertThat(new PadCapacity(s.bytes()).slots()).isEqualTo(new PadCapacity(s.requestedBytes()).slots());
        assertThat(new PadCapacity(s.bytes()).trailingBytes()).isZero();
    }

    @Test
    void edges() {
        assertThat(new PadCapacity(0).slots()).isZero();
        assertThat(new PadCapacity(0).dataSlots()).isZero();
        assertThat(new PadCapacity(119).slots()).isZero();
        assertThat(new PadCapacity(120).slots()).isEqualTo(1);
        assertThat(new PadCapacity(120).dataSlots()).isZero();
        assertThat(new PadCapacity(240).dataPacketsPerDirection()).isEqualTo(1000);
        assertThat(new PadCapacity(PadSize.MAX_BYTES).packetsBothDirections()).isPositive();
    }
}
