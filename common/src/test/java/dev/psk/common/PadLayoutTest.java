package dev.psk.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.psk.common.pad.PadLayout;
import org.junit.jupiter.api.Test;

class PadLayoutTest {
    @Test
    void seedCapacityFormulaForOneGibibyte() {
        long slots = PadLayout.slotCount(1L << 30);
        assertThat(slots).isEqualTo(8_947_848L);
        assertThat(PadLayout.packetsPerDirection(slots)).isEqualTo(8_947_848_000L);
        assertThat(PadLayout.dataSlotCount(1L << 30)).isEqualTo(8_947_847L);
        assertThat(PadLayout.controlSlotIndex(1L << 30)).isEqualTo(8_947_847L);
    }

    @Test
    void partialSlotsAreNotCounted() {
        assertThat(PadLayout.slotCount(119)).isZero();
        assertThat(PadLayout.dataSlotCount(119)).isZero();
        assertThat(PadLayout.slotCount(241)).isEqualTo(2);
    }

    @Test
    void fingerprintIsHmacOfControlSlot() {
        // Independently computed: python3 -c "import hmac,hashlib;print(hmac.new(bytes(range(120)),
        //   b'psk-tunnel/v1 pad fingerprint',hashlib.sha256).hexdigest()[:32])"
        byte[] slot = new byte[120];
        for (int i = 0; i < 120; i++) {
            slot[i] = (byte) i;
        }
        assertThat(Hex.encode(PadLayout.fingerprint(slot))).isEqualTo(EXPECTED);
        assertThatThrownBy(() -> PadLayout.fingerprint(new byte[119])).hasMessageContaining("120 bytes, not 119");
    }

    private static final String EXPECTED = "95506a9cbeea815aa77af740d12bca6d";
}
