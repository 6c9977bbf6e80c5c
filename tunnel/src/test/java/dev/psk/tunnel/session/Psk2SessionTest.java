package dev.psk.tunnel.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.state.TunnelState;
import dev.psk.tunnel.DropReason;
import dev.psk.tunnel.crypto.PacketAead;
import dev.psk.tunnel.crypto.PacketAeads;
import dev.psk.tunnel.device.PeerSession;
import dev.psk.tunnel.pad.PadFile;
import dev.psk.tunnel.state.StateFile;
import dev.psk.tunnel.testing.TestPads;
import dev.psk.tunnel.wire.Psk2Packet;
import dev.psk.tunnel.wire.Psk2Wire;
import dev.psk.tunnel.wire.Role;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Session-level behaviour without sockets: receive order, slot rotation, exhaustion, and crash
 * safety by abandoning sessions without a clean stop (the state file is then exactly what a kill -9
 * at that instant leaves) and restarting from it.
 */
class Psk2SessionTest {
    @TempDir
    Path dir;

    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private PacketAead aead;
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(Psk2Wire.BUFFER_BYTES);

    @BeforeEach
    void setUp() {
        aead = PacketAeads.create(PacketAeads.AUTO);
    }

    @AfterEach
    void tearDown() throws Exception {
        aead.close();
        for (AutoCloseable c : cleanup) {
            c.close();
        }
    }

    private Psk2Session open(Path pad, String state, Role role) throws Exception {
        PadFile p = PadFile.open(pad);
        cleanup.add(p);
        return Psk2Session.open(p, dir.resolve(state), role, 4096, m -> {});
    }

    /** Seals {@code payload} and returns the datagram bytes, or null with the drop reason recorded. */
    private byte[] seal(Psk2Session s, byte[] payload, List<DropReason> drops) {
        ByteBuffer b = scratch;
        b.put(PeerSession.HEADROOM, payload);
        DropReason r = s.seal(b, payload.length, aead);
        if (r != null) {
            drops.add(r);
            return null;
        }
        byte[] d = new byte[payload.length + Psk2Wire.OVERHEAD_BYTES];
        b.get(0, d);
        return d;
    }

    private DropReason open(Psk2Session s, byte[] datagram) {
        ByteBuffer b = scratch;
        b.put(0, datagram);
        return s.open(b, datagram.length, aead);
    }

    private static long seqOf(byte[] datagram) {
        return ByteBuffer.wrap(datagram).getLong(Psk2Wire.SEQ_OFFSET);
    }

    @Test
    void roundTripAcrossSlotsThenReplayAndReflection() throws Exception {
        Path pad = TestPads.create(dir, "pad", 20, 1);
        Psk2Session a = open(pad, "a.json", Role.INITIATOR);
        Psk2Session b = open(pad, "b.json", Role.RESPONDER);
        List<DropReason> drops = new ArrayList<>();
        byte[] first = null;
        for (int i = 0; i < 2500; i++) {
            byte[] d = seal(a, new byte[] {1, 2, (byte) i}, drops);
            assertThat(seqOf(d)).isEqualTo(i);
            assertThat(open(b, d)).as("seq %d", i).isNull();
            if (i == 0) {
                first = d;
            }
        }
        assertThat(open(b, first)).isEqualTo(DropReason.REPLAY);
        assertThat(open(a, first)).as("reflected to its sender").isEqualTo(DropReason.DIRECTION);
        byte[] back = seal(b, new byte[] {9}, drops);
        assertThat(open(a, back)).isNull();
        assertThat(drops).isEmpty();
        a.close();
        b.close();
    }

    @Test
    void forgedOrBentPacketsAreDroppedWithoutMovingTheWindow() throws Exception {
        Path pad = TestPads.create(dir, "pad", 20, 2);
        Psk2Session a = open(pad, "a.json", Role.INITIATOR);
        Psk2Session b = open(pad, "b.json", Role.RESPONDER);
        byte[] d = seal(a, new byte[100], new ArrayList<>());
        byte[] bent = d.clone();
        bent[40] ^= 1;
        assertThat(open(b, bent)).isEqualTo(DropReason.AEAD);
        byte[] badTag = d.clone();
        badTag[Psk2Wire.AUTH_TAG_OFFSET] ^= 1;
        assertThat(open(b, badTag)).isEqualTo(DropReason.AUTH_TAG);
        byte[] far = d.clone();
        ByteBuffer.wrap(far).putLong(Psk2Wire.SEQ_OFFSET, 1_000_000_000L);
        assertThat(open(b, far)).isEqualTo(DropReason.SLOT_BEYOND_PAD);
        byte[] huge = d.clone();
        ByteBuffer.wrap(huge).putLong(Psk2Wire.SEQ_OFFSET, -1L);
        assertThat(open(b, huge)).isEqualTo(DropReason.SLOT_BEYOND_PAD);
        assertThat(open(b, d)).as("the genuine packet still opens").isNull();
        a.close();
        b.close();
    }

    @Test
    void exhaustionStopsSendingAndNeverWraps() throws Exception {
        Path pad = TestPads.create(dir, "pad", 3, 3); // 2 data slots + control slot
        Psk2Session a = open(pad, "a.json", Role.INITIATOR);
        List<DropReason> drops = new ArrayList<>();
        int sent = 0;
        for (int i = 0; i < 2100; i++) {
            if (seal(a, new byte[1], drops) != null) {
                sent++;
            }
        }
        assertThat(sent).isEqualTo(2000);
        assertThat(drops).hasSize(100).containsOnly(DropReason.PAD_EXHAUSTED);
        assertThat(a.txExhausted()).isTrue();
        assertThat(a.padStatus().txPacketsRemaining()).isZero();
        a.close();
    }

    @Test
    void exhaustionIsKnownAsTheLastPacketIsSealedAndAtTheNextStart() throws Exception {
        Path pad = TestPads.create(dir, "pad", 2, 13); // 1 data slot: 1000 packets
        Psk2Session a = open(pad, "a.json", Role.INITIATOR);
        List<DropReason> drops = new ArrayList<>();
        for (int i = 0; i < 999; i++) {
            assertThat(seal(a, new byte[1], drops)).isNotNull();
        }
        assertThat(a.txExhausted()).as("one packet left").isFalse();
        assertThat(seal(a, new byte[1], drops)).isNotNull();
        // Issue #17: no further send attempt needed to know the pad is used up.
        assertThat(a.txExhausted())
                .as("after the last packet, before any further attempt")
                .isTrue();
        assertThat(a.exhausted()).isTrue();
        assertThat(drops).isEmpty();
        a.close();
        Psk2Session again = open(pad, "a.json", Role.INITIATOR);
        assertThat(again.txExhausted()).as("reopened on the used-up pad").isTrue();
        assertThat(again.padStatus().txPacketsRemaining()).isZero();
        again.close();
    }

    @Test
    void crashAtAnyPointNeverReusesASequenceNorAcceptsAReplay() throws Exception {
        Path pad = TestPads.create(dir, "pad", 400, 4);
        SplittableRandom rnd = new SplittableRandom(44);
        Set<Long> sentSeqs = new HashSet<>();
        List<byte[]> captured = new ArrayList<>();
        for (int cycle = 0; cycle < 6; cycle++) {
            Psk2Session a = open(pad, "a.json", Role.INITIATOR);
            Psk2Session b = open(pad, "b.json", Role.RESPONDER);
            for (byte[] old : captured) {
                DropReason r = open(b, old);
                assertThat(r)
                        .as("cycle %d: replay of pre-crash seq %d", cycle, seqOf(old))
                        .isIn(DropReason.BELOW_RESTART_FLOOR, DropReason.REPLAY, DropReason.SLOT_ERASED);
            }
            int n = 1 + rnd.nextInt(3000);
            boolean acceptedYet = false;
            for (int i = 0; i < n; i++) {
                byte[] d = seal(a, new byte[] {(byte) i}, new ArrayList<>());
                assertThat(sentSeqs.add(seqOf(d)))
                        .as("cycle %d: seq %d sent twice", cycle, seqOf(d))
                        .isTrue();
                if (rnd.nextInt(10) != 0) { // some packets are lost on the way
                    DropReason r = open(b, d);
                    if (r == DropReason.BELOW_RESTART_FLOOR) {
                        // The documented cost of a receiver restart: the sender's packets below the
                        // receiver's persisted floor, all of them before the first accepted one.
                        assertThat(acceptedYet)
                                .as("cycle %d: seq %d below floor after acceptance", cycle, seqOf(d))
                                .isFalse();
                    } else {
                        assertThat(r).as("cycle %d seq %d", cycle, seqOf(d)).isNull();
                        acceptedYet = true;
                    }
                }
                captured.add(d);
            }
            if (cycle % 3 == 2) {
                a.close(); // a clean stop now and then
                b.close();
            } else {
                a.crashForTesting();
                b.crashForTesting();
            }
        }
        TunnelState s = StateFile.read(dir.resolve("a.json"));
        assertThat(s.txReservedUntil())
                .isGreaterThan(
                        sentSeqs.stream().mapToLong(Long::longValue).max().orElseThrow());
    }

    @Test
    void cleanStopWastesNothing() throws Exception {
        Path pad = TestPads.create(dir, "pad", 20, 5);
        Psk2Session a = open(pad, "a.json", Role.INITIATOR);
        for (int i = 0; i < 10; i++) {
            seal(a, new byte[1], new ArrayList<>());
        }
        a.close();
        assertThat(StateFile.read(dir.resolve("a.json")).txReservedUntil()).isEqualTo(10);
        Psk2Session again = open(pad, "a.json", Role.INITIATOR);
        assertThat(seqOf(seal(again, new byte[1], new ArrayList<>()))).isEqualTo(10);
        again.close();
    }

    @Test
    void consumedSlotsAreErasedOnceBothDirectionsArePast() throws Exception {
        Path pad = TestPads.create(dir, "pad", 30, 6);
        Psk2Session a = open(pad, "a.json", Role.INITIATOR);
        Psk2Session b = open(pad, "b.json", Role.RESPONDER);
        Path padB = dir.resolve("padB");
        java.nio.file.Files.copy(pad, padB);
        for (int i = 0; i < 9000; i++) {
            assertThat(open(b, seal(a, new byte[1], new ArrayList<>()))).isNull();
            assertThat(open(a, seal(b, new byte[1], new ArrayList<>()))).isNull();
        }
        a.close();
        b.close();
        // Both ends share one pad file here; window 4096 => lowest acceptable 8999-4095 = 4904 => slot 4.
        try (PadFile p = PadFile.open(pad)) {
            assertThat(p.erasedPrefixFrom(0)).isEqualTo(4);
            assertThat(p.fingerprintHex()).isEqualTo(PadFile.open(padB).fingerprintHex());
        }
        assertThat(StateFile.read(dir.resolve("a.json")).erasedSlots()).isEqualTo(4);
    }

    @Test
    void readOnlyPadWorksAndErasesNothing() throws Exception {
        Path pad = TestPads.create(dir, "pad", 30, 7);
        List<String> log = new ArrayList<>();
        PadFile ro = PadFile.open(pad, false);
        cleanup.add(ro);
        Psk2Session a = Psk2Session.open(ro, dir.resolve("a.json"), Role.INITIATOR, 64, log::add);
        Psk2Session b = open(pad, "b.json", Role.RESPONDER);
        for (int i = 0; i < 3000; i++) {
            assertThat(open(b, seal(a, new byte[1], new ArrayList<>()))).isNull();
            assertThat(open(a, seal(b, new byte[1], new ArrayList<>()))).isNull();
        }
        a.close();
        assertThat(log).anyMatch(m -> m.contains("read-only") && m.contains("NOT be erased"));
        assertThat(StateFile.read(dir.resolve("a.json")).erasedSlots()).isZero();
        b.close();
    }

    @Test
    void restartedReceiverAcceptsFreshTrafficAfterItsFloor() throws Exception {
        Path pad = TestPads.create(dir, "pad", 50, 8);
        Psk2Session a = open(pad, "a.json", Role.INITIATOR);
        Psk2Session b = open(pad, "b.json", Role.RESPONDER);
        for (int i = 0; i < 100; i++) {
            assertThat(open(b, seal(a, new byte[1], new ArrayList<>()))).isNull();
        }
        b.crashForTesting();
        Psk2Session b2 = open(pad, "b.json", Role.RESPONDER);
        long floor = StateFile.read(dir.resolve("b.json")).rxFloor();
        assertThat(floor).isGreaterThan(99);
        int accepted = 0;
        for (long i = 100; i < floor + 10; i++) {
            if (open(b2, seal(a, new byte[1], new ArrayList<>())) == null) {
                accepted++;
            }
        }
        assertThat(accepted).as("packets at or above the floor").isEqualTo(10);
        a.close();
        b2.close();
    }

    @Test
    void senderAdvancedToTheRestartedReceiversFloorLosesNothing() throws Exception {
        Path pad = TestPads.create(dir, "pad", 50, 10);
        Psk2Session a = open(pad, "a.json", Role.INITIATOR);
        Psk2Session b = open(pad, "b.json", Role.RESPONDER);
        for (int i = 0; i < 30; i++) {
            assertThat(open(b, seal(a, new byte[1], new ArrayList<>()))).isNull();
        }
        b.crashForTesting();
        Psk2Session b2 = open(pad, "b.json", Role.RESPONDER);
        assertThat(b2.rxFloor()).isGreaterThan(29);
        a.advanceTxTo(b2.rxFloor()); // what a handshake does with the floor the peer announces
        a.advanceTxTo(3); // never backwards
        byte[] d = seal(a, new byte[1], new ArrayList<>());
        assertThat(seqOf(d)).isEqualTo(b2.rxFloor());
        assertThat(open(b2, d)).isNull();
        a.close();
        b2.close();
    }

    @Test
    void restartSignalLetsTheCrashedEndsPeerSkipPastItsFloor() throws Exception {
        // Seed-compatible mode has no handshake to announce a floor: the crashed end starts
        // RESTART_SIGNAL_GAP ahead and the peer, seeing that jump, skips its own TX past any floor.
        Path pad = TestPads.create(dir, "pad", 1400, 12);
        Psk2Session a = open(pad, "a.json", Role.INITIATOR);
        Psk2Session b = open(pad, "b.json", Role.RESPONDER);
        for (int i = 0; i < 200; i++) {
            assertThat(open(b, seal(a, new byte[1], new ArrayList<>()))).isNull();
            assertThat(open(a, seal(b, new byte[1], new ArrayList<>()))).isNull();
        }
        a.crashForTesting();
        Psk2Session a2 = open(pad, "a.json", Role.INITIATOR);
        assertThat(StateFile.read(dir.resolve("a.json")).cleanStop()).isFalse();
        // Without the signal the peer's next packet falls below the restarted end's floor.
        byte[] early = seal(b, new byte[1], new ArrayList<>());
        assertThat(open(a2, early)).isEqualTo(DropReason.BELOW_RESTART_FLOOR);

        assertThat(a2.announcesRestart()).isTrue();
        byte[] signal = seal(a2, new byte[0], new ArrayList<>()); // the keepalive RestartAnnouncer sends
        assertThat(b.announcesRestart()).isFalse();
        assertThat(seqOf(signal)).isGreaterThanOrEqualTo(200 + Psk2Wire.RESTART_SIGNAL_GAP);
        assertThat(open(b, signal)).as("an accepted empty packet").isEqualTo(DropReason.KEEPALIVE);
        assertThat(b.peerRestartsSeen()).isEqualTo(1);
        assertThat(open(b, signal)).as("and it moved the window").isEqualTo(DropReason.REPLAY);

        byte[] after = seal(b, new byte[1], new ArrayList<>());
        assertThat(seqOf(after)).isGreaterThanOrEqualTo(a2.rxFloor());
        assertThat(open(a2, after)).as("first packet after the signal").isNull();
        assertThat(a2.announcesRestart()).as("peer heard from").isFalse();
        assertThat(open(b, seal(a2, new byte[1], new ArrayList<>()))).isNull();
        assertThat(b.peerRestartsSeen()).as("ordinary packets are no signal").isEqualTo(1);
        a2.close();
        b.close();
        assertThat(StateFile.read(dir.resolve("a.json")).cleanStop()).isTrue();
    }

    @Test
    void cleanRestartSendsNoSignal() throws Exception {
        Path pad = TestPads.create(dir, "pad", 1400, 13);
        Psk2Session a = open(pad, "a.json", Role.INITIATOR);
        Psk2Session b = open(pad, "b.json", Role.RESPONDER);
        for (int i = 0; i < 20; i++) {
            assertThat(open(b, seal(a, new byte[1], new ArrayList<>()))).isNull();
        }
        a.close();
        Psk2Session a2 = open(pad, "a.json", Role.INITIATOR);
        byte[] d = seal(a2, new byte[1], new ArrayList<>());
        assertThat(seqOf(d)).isEqualTo(20);
        assertThat(open(b, d)).isNull();
        assertThat(b.peerRestartsSeen()).isZero();
        a2.close();
        b.close();
    }

    @Test
    void headerChecksComeFirst() throws Exception {
        Path pad = TestPads.create(dir, "pad", 5, 9);
        Psk2Session b = open(pad, "b.json", Role.RESPONDER);
        assertThat(open(b, new byte[47])).isEqualTo(DropReason.SIZE);
        byte[] d = new byte[48];
        assertThat(open(b, d)).isEqualTo(DropReason.MAGIC);
        ByteBuffer.wrap(d).putInt(0, Psk2Wire.MAGIC);
        assertThat(open(b, d)).isEqualTo(DropReason.VERSION);
        d[4] = 2;
        d[5] = 1;
        assertThat(open(b, d)).isEqualTo(DropReason.FLAGS);
        d[5] = 0;
        d[7] = 1;
        assertThat(open(b, d)).isEqualTo(DropReason.RESERVED);
        d[7] = 0;
        d[6] = 1;
        assertThat(open(b, d)).isEqualTo(DropReason.DIRECTION);
        d[6] = 0;
        assertThat(open(b, d)).isEqualTo(DropReason.AUTH_TAG);
        assertThat(Psk2Packet.checkHeader(ByteBuffer.wrap(d), d.length, 0)).isNull();
        b.close();
    }
}
