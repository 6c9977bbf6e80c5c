package dev.psk.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.cli.CliRunner;
import dev.psk.common.state.TunnelState;
import dev.psk.keygen.cli.PskKeygen;
import dev.psk.tunnel.pad.PadFile;
import dev.psk.tunnel.state.SequenceReservation;
import dev.psk.tunnel.state.StateFile;
import dev.psk.tunnel.state.StateKeeper;
import dev.psk.tunnel.wire.Psk2Wire;
import dev.psk.tunnel.wire.Role;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #17: a state file psk-tunnel writes is always readable by {@code psk-keygen info --state},
 * including near the end of a pad, where the tunnel's reservations run past the last packet.
 */
class StateFileInteropTest {
    private static final int SLOTS = 10; // 9 data slots + control slot: 9,000 packets per direction

    @TempDir
    Path dir;

    @Test
    void aStateWrittenNearThePadsEndIsReadByKeygenInfo() throws Exception {
        Path padPath = dir.resolve("pad.bin");
        byte[] bytes = new byte[SLOTS * Psk2Wire.SLOT_BYTES];
        new SplittableRandom(17).nextBytes(bytes);
        Files.write(padPath, bytes);
        Path statePath = dir.resolve("state.json");
        long lastPacket = (SLOTS - 1) * 1000L - 1;

        try (PadFile pad = PadFile.open(padPath)) {
            TunnelState fresh = StateFile.loadOrCreate(statePath, pad, Role.INITIATOR);
            StateKeeper keeper = new StateKeeper(statePath, pad, fresh, msg -> {});
            try {
                // The data plane covers the pad's last sequence in each direction; the keeper
                // reserves a block beyond it, as it does in a running tunnel.
                assertThat(new SequenceReservation(keeper, true).cover(lastPacket))
                        .isTrue();
                assertThat(new SequenceReservation(keeper, false).cover(lastPacket))
                        .isTrue();
            } finally {
                keeper.close();
            }
            TunnelState written = StateFile.read(statePath);
            assertThat(written.txReservedUntil()).isGreaterThan(lastPacket + 1);
            assertThat(written.rxFloor()).isGreaterThan(lastPacket + 1);
            // psk-tunnel starts again from this file...
            assertThat(StateFile.loadOrCreate(statePath, pad, Role.INITIATOR)).isEqualTo(written);
        }

        // ...and psk-keygen info reads it.
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = CliRunner.commandLine(new PskKeygen());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute("info", padPath.toString(), "--state", statePath.toString());
        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("state: " + statePath + " (initiator)")
                .contains("send A->B: 9 slots used")
                .contains("receive B->A: 9 slots used")
                .contains("0 slots = 0 packets remaining (exhausted)");
    }
}
