package dev.psk.tunnel.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.tunnel.DropReason;
import dev.psk.tunnel.crypto.PacketAead;
import dev.psk.tunnel.crypto.PacketAeads;
import dev.psk.tunnel.device.Peer;
import dev.psk.tunnel.device.PeerSession;
import dev.psk.tunnel.noise.CipherState;
import dev.psk.tunnel.noise.NoiseLimits;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hub's PeerSession on the shared device's buffer layout: round trip, replay, forged and
 * malformed input, keepalives, AllowedIPs on the inner source, confirmation of a new keypair,
 * dead keypairs and counter limits.
 */
class NoisePeerSessionTest {
    final SessionTable tableA = new SessionTable(8);
    final SessionTable tableB = new SessionTable(8);
    final byte[] k1 = HubFixtures.psk();
    final byte[] k2 = HubFixtures.psk();
    final List<Session> retired = new ArrayList<>();
    final PacketAead aead = PacketAeads.create(PacketAeads.AUTO);
    final InetSocketAddress from = new InetSocketAddress("127.0.0.1", 4000);
    long now = 1_000;
    boolean sourceOk = true;
    NoisePeerSession initiator;
    NoisePeerSession responder;
    Session sa;
    Session sb;

    @AfterEach
    void close() {
        aead.close();
    }

    static CipherState cs(byte[] k) {
        CipherState c = new CipherState();
        c.initializeKey(k);
        return c;
    }

    NoisePeerSession session(boolean isResponder, SessionTable table) {
        NoisePeerSession s = new NoisePeerSession(
                isResponder,
                table,
                (buf, start, len) -> sourceOk,
                r -> {
                    retired.add(r);
                    r.kill();
                    table.remove(r);
                },
                () -> now);
        s.attach(new Peer(isResponder ? "client" : "hub", s, null, true));
        return s;
    }

    void pair() {
        initiator = session(false, tableA);
        responder = session(true, tableB);
        int ia = tableA.reserve();
        int ib = tableB.reserve();
        sa = new Session(ia, ib, new byte[32], new CipherState[] {cs(k1), cs(k2)}, now);
        sb = new Session(ib, ia, new byte[32], new CipherState[] {cs(k2), cs(k1)}, now);
        initiator.install(sa);
        tableA.put(sa);
        responder.install(sb);
        tableB.put(sb);
    }

    /** Seals as the device's send path does: plaintext at HEADROOM; returns the datagram. */
    byte[] sealed(byte[] packet) {
        ByteBuffer buf = ByteBuffer.allocateDirect(2048);
        buf.put(PeerSession.HEADROOM, packet);
        assertThat(initiator.seal(buf, packet.length, aead)).isNull();
        byte[] d = new byte[HubWire.TRANSPORT_HEADER_BYTES + packet.length + HubWire.TAG_BYTES];
        buf.get(PeerSession.HEADROOM - HubWire.TRANSPORT_HEADER_BYTES, d);
        return d;
    }

    /** Opens as the device's receive path does: directory lookup, then open at offset 0. */
    DropReason open(byte[] datagram) {
        ByteBuffer buf = ByteBuffer.allocateDirect(2048);
        buf.put(0, datagram);
        Peer p = HubPeers.byReceiverIndex(tableB, from, buf, datagram.length);
        if (p == null) {
            return DropReason.UNKNOWN_PEER;
        }
        return p.session().open(buf, datagram.length, aead);
    }

    @Test
    void roundTripReplayAndKeepalive() {
        pair();
        byte[] pkt = Packets.ipv4("10.0.0.1", "10.0.0.2", 13);
        byte[] d = sealed(pkt);
        assertThat(d[0]).isEqualTo(HubWire.TYPE_TRANSPORT);
        assertThat(HubWire.getIntLE(d, HubWire.TRANSPORT_RECEIVER_OFFSET)).isEqualTo(sb.localIndex);
        assertThat(HubWire.getLongLE(d, HubWire.TRANSPORT_COUNTER_OFFSET)).isZero();
        assertThat(open(d)).isNull();
        // The first authentic message confirms the responder's keypair and binds the endpoint.
        assertThat(responder.current()).isSameAs(sb);
        assertThat(responder.peer().endpoint()).isEqualTo(from);
        assertThat(open(d)).isEqualTo(DropReason.REPLAY);
        ByteBuffer ka = initiator.keepalive();
        byte[] keepalive = new byte[ka.remaining()];
        ka.get(keepalive);
        assertThat(keepalive).hasSize(HubWire.TRANSPORT_MIN_BYTES);
        assertThat(open(keepalive)).isEqualTo(DropReason.KEEPALIVE);
    }

    @Test
    void innerSourceOutsideAllowedIpsAndMalformedInnerPacketsAreDropped() {
        pair();
        sourceOk = false;
        assertThat(open(sealed(Packets.ipv4("10.0.0.9", "10.0.0.2", 20)))).isEqualTo(DropReason.ALLOWED_IPS);
        sourceOk = true;
        assertThat(open(sealed(new byte[] {0x45, 0, 0, 1, 2, 3}))).isEqualTo(DropReason.INNER_MALFORMED);
    }

    @Test
    void forgedTruncatedAndMisaddressedPacketsAreCountedDrops() {
        pair();
        byte[] d = sealed(Packets.ipv4("10.0.0.1", "10.0.0.2", 40));
        byte[] forged = d.clone();
        forged[forged.length - 1] ^= 1;
        assertThat(open(forged)).isEqualTo(DropReason.AEAD);
        // The forged packet did not consume its counter: the genuine one still opens.
        assertThat(open(d)).isNull();
        byte[] wrongIndex = sealed(new byte[0]);
        HubWire.putIntLE(wrongIndex, HubWire.TRANSPORT_RECEIVER_OFFSET, sb.localIndex + 1);
        assertThat(open(wrongIndex)).isEqualTo(DropReason.UNKNOWN_PEER);
        byte[] shortOne = Arrays.copyOf(sealed(new byte[0]), 31);
        assertThat(open(shortOne)).isEqualTo(DropReason.SIZE);
        // Staged for one keypair, opened with another's index: the datagram's own index decides.
        Peer p = HubPeers.byReceiverIndex(tableB, from, ByteBuffer.wrap(d), d.length);
        ByteBuffer other = ByteBuffer.allocateDirect(64);
        byte[] foreign = sealed(new byte[0]);
        HubWire.putIntLE(foreign, HubWire.TRANSPORT_RECEIVER_OFFSET, 77);
        other.put(0, foreign);
        assertThat(p.session().open(other, foreign.length, aead)).isEqualTo(DropReason.UNKNOWN_PEER);
        byte[] badType = sealed(new byte[0]);
        badType[1] = 1;
        assertThat(open(badType)).isEqualTo(DropReason.MAGIC);
    }

    @Test
    void randomDatagramsNeverThrow() {
        pair();
        Random r = new Random(7);
        for (int i = 0; i < 5000; i++) {
            byte[] d = new byte[r.nextInt(HubWire.MAX_DATAGRAM_BYTES)];
            r.nextBytes(d);
            if (d.length > 8 && r.nextBoolean()) {
                d[0] = HubWire.TYPE_TRANSPORT;
                d[1] = d[2] = d[3] = 0;
                HubWire.putIntLE(d, 4, sb.localIndex);
            }
            assertThat(open(d)).isNotNull();
        }
    }

    @Test
    void aNewHandshakeNeverDisplacesTheConfirmedKeypair() {
        pair();
        assertThat(open(sealed(new byte[0]))).isEqualTo(DropReason.KEEPALIVE);
        Session other = new Session(tableB.reserve(), 1, new byte[32], new CipherState[] {cs(k2), cs(k1)}, now);
        responder.install(other);
        assertThat(responder.current()).isSameAs(sb);
        Session third = new Session(tableB.reserve(), 1, new byte[32], new CipherState[] {cs(k2), cs(k1)}, now);
        responder.install(third);
        assertThat(retired).containsExactly(other);
        assertThat(other.isDead()).isTrue();
    }

    @Test
    void deadOrExpiredKeypairsNeitherSendNorReceive() throws Exception {
        pair();
        byte[] d = sealed(new byte[0]);
        sb.kill();
        assertThat(open(d)).isEqualTo(DropReason.KEY_EXPIRED);
        assertThat(sb.receiveKey).containsOnly(0);
        assertThat(sb.sendKey).containsOnly(0);
        now += NoiseLimits.REJECT_AFTER_TIME.toNanos();
        ByteBuffer buf = ByteBuffer.allocateDirect(128);
        assertThat(initiator.seal(buf, 0, aead)).isEqualTo(DropReason.KEY_EXPIRED);
        // Revocation: clearing the session leaves nothing to send with.
        for (Session s : initiator.clear()) {
            s.kill();
        }
        assertThat(initiator.seal(buf, 0, aead)).isEqualTo(DropReason.NO_SESSION);
    }

    @Test
    void countersAtTheHardLimitAreRefused() throws Exception {
        pair();
        Field f = Session.class.getDeclaredField("sendCounter");
        f.setAccessible(true);
        ((java.util.concurrent.atomic.AtomicLong) f.get(sa)).set(NoiseLimits.REJECT_AFTER_MESSAGES - 1);
        byte[] last = sealed(new byte[0]);
        assertThat(open(last)).isEqualTo(DropReason.KEEPALIVE);
        ByteBuffer buf = ByteBuffer.allocateDirect(128);
        assertThat(initiator.seal(buf, 0, aead)).isEqualTo(DropReason.KEY_EXPIRED);
        // A forged counter at the limit is refused before any decryption.
        byte[] beyond = last.clone();
        HubWire.putLongLE(beyond, HubWire.TRANSPORT_COUNTER_OFFSET, NoiseLimits.REJECT_AFTER_MESSAGES);
        assertThat(open(beyond)).isEqualTo(DropReason.REPLAY);
    }

    @Test
    void theReceiverIndexTableFindsLiveKeypairsOnlyAndSurvivesChurn() {
        SessionTable t = new SessionTable(16);
        List<Session> live = new ArrayList<>();
        Random r = new Random(3);
        for (int i = 0; i < 2000; i++) {
            if (live.size() < 16 && (live.isEmpty() || r.nextBoolean())) {
                int idx = t.reserve();
                assertThat(idx).isNotZero();
                Session s = new Session(idx, 1, new byte[32], new CipherState[] {cs(k1), cs(k2)}, now);
                t.put(s);
                live.add(s);
            } else {
                Session s = live.remove(r.nextInt(live.size()));
                t.remove(s);
                assertThat(t.get(s.localIndex)).isNull();
            }
            assertThat(t.size()).isEqualTo(live.size());
        }
        for (Session s : live) {
            assertThat(t.get(s.localIndex)).isSameAs(s);
        }
    }

    @Test
    void theHubDataPathAllocatesNothingPerPacket() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                dev.psk.tunnel.crypto.OpenSslChaCha20Poly1305.unavailableReason()
                        .isEmpty(),
                "libcrypto not loadable");
        pair();
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        byte[] inner = Packets.ipv4("10.0.0.1", "10.0.0.2", 1000 - 20);
        byte[] copy = new byte[2048];
        ByteBuffer tx = ByteBuffer.allocateDirect(2048);
        ByteBuffer rx = ByteBuffer.allocateDirect(2048);
        int len = HubWire.TRANSPORT_HEADER_BYTES + inner.length + HubWire.TAG_BYTES;
        long tid = Thread.currentThread().threadId();
        long best = Long.MAX_VALUE;
        // Steady state: measure rounds until one is clean (JIT warm-up) and judge the best.
        for (int round = 0; round < 12 && best >= 256; round++) {
            long before = mx.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 20_000; i++) {
                tx.put(PeerSession.HEADROOM, inner);
                if (initiator.seal(tx, inner.length, aead) != null) {
                    throw new AssertionError("seal failed");
                }
                tx.get(PeerSession.HEADROOM - HubWire.TRANSPORT_HEADER_BYTES, copy, 0, len);
                rx.put(0, copy, 0, len);
                rx.put(40, (byte) (rx.get(40) ^ 1));
                if (openAt(rx, len) != DropReason.AEAD) {
                    throw new AssertionError("forged packet not dropped as AEAD");
                }
                rx.put(0, copy, 0, len);
                if (openAt(rx, len) != null) {
                    throw new AssertionError("genuine packet dropped");
                }
                if (openAt(rx, len) != DropReason.REPLAY) {
                    throw new AssertionError("replay not dropped");
                }
                rx.put(HubWire.TRANSPORT_RECEIVER_OFFSET, (byte) (rx.get(HubWire.TRANSPORT_RECEIVER_OFFSET) ^ 1));
                if (HubPeers.byReceiverIndex(tableB, from, rx, len) != null) {
                    throw new AssertionError("unknown index found a peer");
                }
            }
            best = Math.min(best, mx.getThreadAllocatedBytes(tid) - before);
        }
        assertThat(best)
                .as("bytes allocated by 20,000 x (seal + lookup + open + forged + replay + unknown index)")
                .isLessThan(256);
    }

    private DropReason openAt(ByteBuffer buf, int len) {
        Peer p = HubPeers.byReceiverIndex(tableB, from, buf, len);
        return p == null ? DropReason.UNKNOWN_PEER : p.session().open(buf, len, aead);
    }
}
