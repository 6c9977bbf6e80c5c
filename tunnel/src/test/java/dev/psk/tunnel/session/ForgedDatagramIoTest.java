package dev.psk.tunnel.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.tunnel.DropReason;
import dev.psk.tunnel.crypto.PacketAead;
import dev.psk.tunnel.crypto.PacketAeads;
import dev.psk.tunnel.device.PeerSession;
import dev.psk.tunnel.pad.PadFile;
import dev.psk.tunnel.testing.TestPads;
import dev.psk.tunnel.wire.Psk2Wire;
import dev.psk.tunnel.wire.Role;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #12: a forged datagram must not make the receiver read the pad. Each test counts the pad's
 * slot reads ({@link PadFile#slotReads}) while an attacker who does not hold the pad sends
 * datagrams that pass every header check: random tags, sequences near and far, replays of
 * captured genuine packets.
 */
class ForgedDatagramIoTest {
    @TempDir
    Path dir;

    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(Psk2Wire.BUFFER_BYTES);
    private PacketAead aead;

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

    private PadFile pad(Path file) throws Exception {
        PadFile p = PadFile.open(file);
        cleanup.add(p);
        return p;
    }

    private byte[] seal(Psk2Session s, int len) {
        scratch.put(PeerSession.HEADROOM, new byte[len]);
        assertThat(s.seal(scratch, len, aead)).isNull();
        byte[] d = new byte[len + Psk2Wire.OVERHEAD_BYTES];
        scratch.get(0, d);
        return d;
    }

    private DropReason open(Psk2Session s, byte[] datagram) {
        scratch.put(0, datagram);
        return s.open(scratch, datagram.length, aead);
    }

    /** A datagram with a valid header for the responder, a random tag and body, at {@code seq}. */
    private static byte[] forged(SplittableRandom r, long seq) {
        byte[] d = new byte[Psk2Wire.OVERHEAD_BYTES + 64];
        r.nextBytes(d);
        ByteBuffer b = ByteBuffer.wrap(d);
        b.putInt(Psk2Wire.MAGIC_OFFSET, Psk2Wire.MAGIC);
        d[Psk2Wire.VERSION_OFFSET] = Psk2Wire.VERSION;
        d[Psk2Wire.FLAGS_OFFSET] = Psk2Wire.FLAGS_NONE;
        d[Psk2Wire.DIRECTION_OFFSET] = Psk2Wire.DIRECTION_INITIATOR_TO_RESPONDER;
        d[Psk2Wire.RESERVED_OFFSET] = Psk2Wire.RESERVED_VALUE;
        b.putLong(Psk2Wire.SEQ_OFFSET, seq);
        return d;
    }

    @Test
    void forgedDatagramsAtAnySequenceCauseNoPadRead() throws Exception {
        Path file = TestPads.create(dir, "pad", 4000, 21);
        PadFile ap = pad(file);
        PadFile bp = pad(file);
        Psk2Session a = Psk2Session.open(ap, dir.resolve("a.json"), Role.INITIATOR, 4096, m -> {});
        Psk2Session b = Psk2Session.open(bp, dir.resolve("b.json"), Role.RESPONDER, 4096, m -> {});
        cleanup.add(b::close);
        cleanup.add(a::close);
        List<byte[]> captured = new ArrayList<>();
        for (int i = 0; i < 8000; i++) {
            byte[] d = seal(a, 16);
            captured.add(d);
            assertThat(open(b, d)).isNull();
        }
        SplittableRandom r = new SplittableRandom(7);
        long before = bp.slotReads();
        int tag = 0;
        int far = 0;
        int replay = 0;
        for (int i = 0; i < 20_000; i++) {
            long seq = switch (i % 4) {
                case 0 -> 8000 + r.nextLong(5000); // the current and next few slots
                case 1 -> r.nextLong(2048 * 1000L); // anywhere in the table
                case 2 -> 2_050_000L + r.nextLong(1_900_000L); // beyond the table
                default -> r.nextLong(8000); // below the window or inside it
            };
            DropReason d = open(b, forged(r, seq));
            switch (d) {
                case AUTH_TAG -> tag++;
                case FAR_AHEAD -> far++;
                case REPLAY -> replay++;
                default -> throw new AssertionError("unexpected " + d + " for seq " + seq);
            }
        }
        for (byte[] d : captured) {
            assertThat(open(b, d)).as("a replayed capture").isEqualTo(DropReason.REPLAY);
        }
        assertThat(bp.slotReads())
                .as("pad reads caused by forgeries and replays")
                .isEqualTo(before);
        assertThat(tag).isPositive();
        assertThat(far).isPositive();
        assertThat(replay).isPositive();
        assertThat(open(b, seal(a, 16))).as("the peer is still heard").isNull();
    }

    @Test
    void aGenuinePeerFarAheadIsHeardWhileNothingElseArrives() throws Exception {
        // The peer sent millions of packets into the void while this end was down.
        Path file = TestPads.create(dir, "pad", 6000, 22);
        PadFile bp = pad(file);
        Psk2Session a = Psk2Session.open(pad(file), dir.resolve("a.json"), Role.INITIATOR, 4096, m -> {});
        Psk2Session b = Psk2Session.open(bp, dir.resolve("b.json"), Role.RESPONDER, 4096, m -> {});
        cleanup.add(b::close);
        cleanup.add(a::close);
        a.advanceTxTo(5_000_000);
        assertThat(open(b, seal(a, 16))).as("probed: nothing heard yet").isNull();
        long before = bp.slotReads();
        SplittableRandom r = new SplittableRandom(8);
        assertThat(open(b, forged(r, 400_000))).as("now behind the window").isEqualTo(DropReason.REPLAY);
        assertThat(open(b, forged(r, 5_000_500))).isEqualTo(DropReason.AUTH_TAG);
        assertThat(bp.slotReads()).isEqualTo(before);
        assertThat(open(b, seal(a, 16))).isNull();
    }

    @Test
    void farAheadProbesAreRareAndOnlyWhileThePeerIsQuiet() throws Exception {
        Path file = TestPads.create(dir, "pad", 3000, 23);
        PadFile p = pad(file);
        AtomicLong now = new AtomicLong(1_000_000_000_000L);
        RxSlotTags tags = new RxSlotTags(p, 0, 0, now::get);
        long afterFill = p.slotReads();
        assertThat(afterFill).isEqualTo(RxSlotTags.SLOTS);
        SplittableRandom r = new SplittableRandom(9);
        ByteBuffer buf = ByteBuffer.wrap(forged(r, 2_500_000));
        assertThat(tags.match(buf, 2500)).as("first probe, peer never heard").isEqualTo(RxSlotTags.NO_MATCH);
        assertThat(tags.match(buf, 2500)).isEqualTo(RxSlotTags.FAR_AHEAD);
        now.addAndGet(RxSlotTags.PROBE_INTERVAL_NANOS);
        assertThat(tags.match(buf, 2600)).isEqualTo(RxSlotTags.NO_MATCH);
        assertThat(p.slotReads() - afterFill).isEqualTo(2);

        tags.advance(0); // an authentic packet
        now.addAndGet(RxSlotTags.PROBE_INTERVAL_NANOS * 5);
        tags.advance(0);
        for (int i = 0; i < 1000; i++) {
            now.addAndGet(1_000_000); // 1 s in total: the peer is being heard
            assertThat(tags.match(buf, 2500 + i % 400)).isEqualTo(RxSlotTags.FAR_AHEAD);
        }
        assertThat(p.slotReads() - afterFill).isEqualTo(2);
        now.addAndGet(RxSlotTags.QUIET_NANOS);
        assertThat(tags.match(buf, 2500)).as("quiet again: one probe").isEqualTo(RxSlotTags.NO_MATCH);
        assertThat(p.slotReads() - afterFill).isEqualTo(3);
    }

    @Test
    void movingTheTableReadsOnlyTheNewSlotsAndErasedSlotsNeverMatch() throws Exception {
        Path file = TestPads.create(dir, "pad", 3000, 24);
        PadFile p = pad(file);
        p.erase(5, 6);
        RxSlotTags tags = new RxSlotTags(p, 1, 0, System::nanoTime);
        long reads = p.slotReads();
        tags.advance(10);
        assertThat(p.slotReads() - reads).isEqualTo(10);
        assertThat(tags.base()).isEqualTo(10);
        // A datagram claiming an erased (all-zero) slot with an all-zero tag.
        PadFile q = pad(TestPads.create(dir, "pad2", 3000, 24));
        q.erase(5, 6);
        RxSlotTags fresh = new RxSlotTags(q, 1, 0, System::nanoTime);
        byte[] d = forged(new SplittableRandom(1), 5500);
        java.util.Arrays.fill(
                d, Psk2Wire.AUTH_TAG_OFFSET, Psk2Wire.AUTH_TAG_OFFSET + Psk2Wire.AUTH_TAG_BYTES, (byte) 0);
        assertThat(fresh.match(ByteBuffer.wrap(d), 5)).isEqualTo(RxSlotTags.NO_MATCH);
    }
}
