package dev.psk.tunnel.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.psk.common.state.TunnelState;
import dev.psk.tunnel.pad.PadFile;
import dev.psk.tunnel.testing.TestPads;
import dev.psk.tunnel.wire.Role;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Malformed, foreign and missing state files: each a clear error naming the file, never a reset. */
class StateFileTest {
    @TempDir
    Path dir;

    private String valid(PadFile pad) {
        return "{\"format\":\"psk-tunnel-state/1\",\"pad_fingerprint\":\"" + pad.fingerprintHex()
                + "\",\"role\":\"initiator\",\"tx_reserved_until\":5000,\"rx_floor\":7,\"erased_slots\":0}";
    }

    @Test
    void freshStateIsCreatedDurablyAndReadBack() throws Exception {
        Path padPath = TestPads.create(dir, "pad", 10, 1);
        try (PadFile pad = PadFile.open(padPath)) {
            Path f = dir.resolve("sub/state.json");
            TunnelState s = StateFile.loadOrCreate(f, pad, Role.RESPONDER);
            assertThat(s.txReservedUntil()).isZero();
            assertThat(Files.exists(f)).isTrue();
            String json = Files.readString(f);
            assertThat(json)
                    .contains(
                            "\"format\"",
                            "psk-tunnel-state/1",
                            pad.fingerprintHex(),
                            "\"role\" : \"responder\"",
                            "\"tx_reserved_until\"",
                            "\"rx_floor\"",
                            "\"erased_slots\"");
            assertThat(StateFile.loadOrCreate(f, pad, Role.RESPONDER)).isEqualTo(s);
            Files.writeString(f, valid(pad));
            TunnelState read = StateFile.loadOrCreate(f, pad, Role.INITIATOR);
            assertThat(read.txReservedUntil()).isEqualTo(5000);
            assertThat(read.rxFloor()).isEqualTo(7);
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "{",
                "[]",
                "null",
                "42",
                "\"x\"",
                "{}",
                "{\"format\":\"psk-tunnel-state/2\",\"pad_fingerprint\":\"FP\",\"role\":\"initiator\",\"tx_reserved_until\":0,\"rx_floor\":0,\"erased_slots\":0}",
                "{\"format\":\"psk-tunnel-state/1\",\"pad_fingerprint\":\"FP\",\"role\":\"both\",\"tx_reserved_until\":0,\"rx_floor\":0,\"erased_slots\":0}",
                "{\"format\":\"psk-tunnel-state/1\",\"pad_fingerprint\":\"FP\",\"role\":\"initiator\",\"tx_reserved_until\":-1,\"rx_floor\":0,\"erased_slots\":0}",
                "{\"format\":\"psk-tunnel-state/1\",\"pad_fingerprint\":\"FP\",\"role\":\"initiator\",\"tx_reserved_until\":1.5,\"rx_floor\":0,\"erased_slots\":0}",
                "{\"format\":\"psk-tunnel-state/1\",\"pad_fingerprint\":\"FP\",\"role\":\"initiator\",\"tx_reserved_until\":\"5\",\"rx_floor\":0,\"erased_slots\":0}",
                "{\"format\":\"psk-tunnel-state/1\",\"pad_fingerprint\":\"FP\",\"role\":\"initiator\",\"tx_reserved_until\":99999999999999999999,\"rx_floor\":0,\"erased_slots\":0}",
                "{\"format\":\"psk-tunnel-state/1\",\"pad_fingerprint\":\"FP\",\"role\":\"initiator\",\"rx_floor\":0,\"erased_slots\":0}",
                "{\"format\":\"psk-tunnel-state/1\",\"pad_fingerprint\":\"abc\",\"role\":\"initiator\",\"tx_reserved_until\":0,\"rx_floor\":0,\"erased_slots\":0}",
                "{\"format\":\"psk-tunnel-state/1\",\"pad_fingerprint\":\"FP\",\"role\":\"initiator\",\"tx_reserved_until\":0,\"rx_floor\":null,\"erased_slots\":0}",
                "{\"format\":\"psk-tunnel-state/1\",\"pad_fingerprint\":\"FP\",\"role\":\"initiator\",\"tx_reserved_until\":0,\"rx_floor\":0,\"erased_slots\":0",
            })
    void malformedStateIsRefusedNamingTheFile(String content) throws Exception {
        Path padPath = TestPads.create(dir, "pad", 10, 2);
        try (PadFile pad = PadFile.open(padPath)) {
            Path f = dir.resolve("state.json");
            Files.writeString(f, content.replace("FP", pad.fingerprintHex()), StandardCharsets.UTF_8);
            assertThatThrownBy(() -> StateFile.loadOrCreate(f, pad, Role.INITIATOR))
                    .isInstanceOf(TunnelStateException.class)
                    .hasMessageContaining(f.toString())
                    .hasMessageContaining("corrupt");
            assertThat(Files.readString(f)).as("left untouched").isEqualTo(content.replace("FP", pad.fingerprintHex()));
        }
    }

    @Test
    void binaryGarbageAndHugeFilesAreRefused() throws Exception {
        Path padPath = TestPads.create(dir, "pad", 10, 3);
        try (PadFile pad = PadFile.open(padPath)) {
            Path f = dir.resolve("state.json");
            Files.write(f, new byte[] {(byte) 0xff, 0, 1, 2, '{'});
            assertThatThrownBy(() -> StateFile.loadOrCreate(f, pad, Role.INITIATOR))
                    .isInstanceOf(TunnelStateException.class);
            Files.write(f, new byte[StateFile.MAX_BYTES + 1]);
            assertThatThrownBy(() -> StateFile.loadOrCreate(f, pad, Role.INITIATOR))
                    .isInstanceOf(TunnelStateException.class)
                    .hasMessageContaining(f.toString());
        }
    }

    @Test
    void stateOfAnotherPadOrRoleIsRefused() throws Exception {
        Path p1 = TestPads.create(dir, "pad1", 10, 4);
        Path p2 = TestPads.create(dir, "pad2", 10, 5);
        try (PadFile pad1 = PadFile.open(p1);
                PadFile pad2 = PadFile.open(p2)) {
            Path f = dir.resolve("state.json");
            Files.writeString(f, valid(pad1));
            assertThatThrownBy(() -> StateFile.loadOrCreate(f, pad2, Role.INITIATOR))
                    .isInstanceOf(TunnelStateException.class)
                    .hasMessageContaining(f.toString())
                    .hasMessageContaining(pad1.fingerprintHex())
                    .hasMessageContaining(pad2.fingerprintHex());
            assertThatThrownBy(() -> StateFile.loadOrCreate(f, pad1, Role.RESPONDER))
                    .isInstanceOf(TunnelStateException.class)
                    .hasMessageContaining("initiator");
        }
    }

    @Test
    void missingStateWithErasedPadFrontIsRefused() throws Exception {
        Path padPath = TestPads.create(dir, "pad", 10, 6);
        try (PadFile pad = PadFile.open(padPath)) {
            pad.erase(0, 3);
            Path f = dir.resolve("state.json");
            assertThatThrownBy(() -> StateFile.loadOrCreate(f, pad, Role.INITIATOR))
                    .isInstanceOf(TunnelStateException.class)
                    .hasMessageContaining(f.toString())
                    .hasMessageContaining(pad.fingerprintHex())
                    .hasMessageContaining("3 slot(s) erased");
            assertThat(Files.exists(f)).isFalse();
        }
    }

    @Test
    void erasureInterruptedByACrashIsPickedUp() throws Exception {
        Path padPath = TestPads.create(dir, "pad", 10, 7);
        try (PadFile pad = PadFile.open(padPath)) {
            Path f = dir.resolve("state.json");
            Files.writeString(f, valid(pad));
            pad.erase(0, 2); // erased on disk, state not yet updated
            assertThat(StateFile.loadOrCreate(f, pad, Role.INITIATOR).erasedSlots())
                    .isEqualTo(2);
        }
    }

    @Test
    void tooSmallOrMissingPadIsRefused() throws Exception {
        Path tiny = dir.resolve("tiny");
        Files.write(tiny, new byte[200]);
        assertThatThrownBy(() -> PadFile.open(tiny))
                .hasMessageContaining(tiny.toString())
                .hasMessageContaining("2 slots");
        assertThatThrownBy(() -> PadFile.open(dir.resolve("nope"))).hasMessageContaining("does not exist");
    }
}
