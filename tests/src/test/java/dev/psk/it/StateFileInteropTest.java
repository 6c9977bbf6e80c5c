package dev.psk.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.cli.CliRunner;
import dev.psk.common.state.TunnelState;
import dev.psk.keygen.cli.PskKeygen;
import dev.psk.tunnel.crypto.PacketAead;
import dev.psk.tunnel.crypto.PacketAeads;
import dev.psk.tunnel.device.PeerSession;
import dev.psk.tunnel.pad.PadFile;
import dev.psk.tunnel.session.Psk2Session;
import dev.psk.tunnel.state.SequenceReservation;
import dev.psk.tunnel.state.StateFile;
import dev.psk.tunnel.state.StateKeeper;
import dev.psk.tunnel.wire.Psk2Wire;
import dev.psk.tunnel.wire.Role;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
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

    @Test
    void theStatesOfBothEndsOfAPadUsedUpAndErasedAreReadByKeygenInfo() throws Exception {
        Path padPath = dir.resolve("pad2.bin");
        byte[] bytes = new byte[3 * Psk2Wire.SLOT_BYTES]; // 2 data slots: 2,000 packets each way
        new SplittableRandom(18).nextBytes(bytes);
        Files.write(padPath, bytes);
        Path a = dir.resolve("a.json"), b = dir.resolve("b.json");
        try (PadFile pad = PadFile.open(padPath);
                PacketAead aead = PacketAeads.create(PacketAeads.AUTO)) {
            Psk2Session ia = Psk2Session.open(pad, a, Role.INITIATOR, 64, m -> {});
            Psk2Session rb = Psk2Session.open(pad, b, Role.RESPONDER, 64, m -> {});
            ByteBuffer buf = ByteBuffer.allocateDirect(Psk2Wire.BUFFER_BYTES);
            for (Psk2Session[] pair : new Psk2Session[][] {{ia, rb}, {rb, ia}}) {
                // Every packet of one direction, each received, to the end of the pad.
                while (!pair[0].txExhausted()) {
                    buf.clear();
                    assertThat(pair[0].seal(buf, 20, aead)).isNull();
                    int len = 20 + Psk2Wire.OVERHEAD_BYTES;
                    ByteBuffer d = ByteBuffer.allocateDirect(Psk2Wire.BUFFER_BYTES);
                    buf.limit(PeerSession.HEADROOM + 20 + Psk2Wire.AEAD_TAG_BYTES)
                            .position(PeerSession.HEADROOM - Psk2Wire.HEADER_BYTES);
                    d.put(buf);
                    assertThat(pair[1].open(d, len, aead)).isNull();
                }
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while ((ia.padStatus().erasedSlots() < 1 || rb.padStatus().erasedSlots() < 1)
                    && System.nanoTime() < deadline) {
                Thread.sleep(50); // the writers erase what both directions have passed (the window keeps the last slot)
            }
            ia.close(); // a clean stop
            rb.crashForTesting(); // and a crash: the file as the writer last left it
        }
        for (Path state : new Path[] {a, b}) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            var cl = CliRunner.commandLine(new PskKeygen());
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            int exit = cl.execute("info", padPath.toString(), "--state", state.toString());
            assertThat(exit).as(state + ": " + err).isZero();
            assertThat(out.toString())
                    .containsPattern("send [AB]->[AB]: 2 slots used")
                    .contains("0 slots = 0 packets remaining (exhausted)")
                    .contains("slots [0, 1) overwritten");
        }
    }
}
