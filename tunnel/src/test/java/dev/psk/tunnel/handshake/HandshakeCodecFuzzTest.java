package dev.psk.tunnel.handshake;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz target for the handshake codecs. In a normal {@code mvn verify} it replays its seed
 * corpus (src/test/resources/.../HandshakeCodecFuzzTestInputs) as a regression test; with
 * JAZZER_FUZZ=1 it fuzzes. Property: validate never throws; whatever it accepts decodes, and
 * re-encodes to the same bytes (so the parser has exactly one reading of every datagram).
 *
 * <p>{@code HandshakeCodecTest#seededRandomGarbageNeverThrowsFromValidate} adds 20,000 seeded
 * mutations of valid messages on every build; coverage-guided runs are scripts/fuzz.sh
 * (docs/fuzzing.md).
 */
class HandshakeCodecFuzzTest {
    private static final HandshakeMac MAC =
            new HandshakeMac(HandshakeKeys.fromControlSlot(HandshakeFixture.controlSlot(1)));

    @FuzzTest(maxDuration = "30s")
    void codecsRoundTrip(byte[] data) throws Exception {
        checkOne(data, MAC);
    }

    static void checkOne(byte[] m, HandshakeMac mac) {
        HandshakeDrop d = HandshakeCodec.validate(m, m.length);
        if (d != null) {
            return;
        }
        try {
            byte[] again = switch (m[HandshakeWire.OFF_TYPE]) {
                case HandshakeWire.TYPE_HELLO ->
                    HelloMessage.decode(m, m.length).encode(mac);
                case HandshakeWire.TYPE_WELCOME ->
                    WelcomeMessage.decode(m, m.length).encode(mac);
                case HandshakeWire.TYPE_CONFIRM ->
                    ConfirmMessage.decode(m, m.length).encode(mac);
                case HandshakeWire.TYPE_REJECT ->
                    RejectMessage.decode(m, m.length).encode(mac);
                case HandshakeWire.TYPE_PAD_MISMATCH ->
                    PadMismatchNotice.decode(m, m.length).encode();
                default -> m.clone();
            };
            int macBytes = m[HandshakeWire.OFF_TYPE] == HandshakeWire.TYPE_PAD_MISMATCH
                            || m[HandshakeWire.OFF_TYPE] == HandshakeWire.TYPE_FRAGMENT
                    ? 0
                    : HandshakeWire.MAC_BYTES;
            assertThat(java.util.Arrays.copyOf(again, again.length - macBytes))
                    .isEqualTo(java.util.Arrays.copyOf(m, m.length - macBytes));
        } catch (MalformedHandshakeException e) {
            throw new AssertionError("validate accepted what decode rejects: " + e.getMessage(), e);
        }
    }
}
