package dev.psk.tunnel.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.tunnel.noise.CipherState;
import dev.psk.tunnel.noise.Dh25519;
import dev.psk.tunnel.noise.NoiseLimits;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Transport messages: round trip, padding, replay, forged and malformed input, dead sessions, counter limits. */
class TransportPathTest {
    final SessionTable a = new SessionTable(8);
    final SessionTable b = new SessionTable(8);
    final byte[] k1 = Dh25519.generatePrivate();
    final byte[] k2 = Dh25519.generatePrivate();
    long now = 1_000;
    Session sa;
    Session sb;

    static CipherState cs(byte[] k) {
        CipherState c = new CipherState();
        c.initializeKey(k);
        return c;
    }

    void pair() {
        int ia = a.reserve();
        int ib = b.reserve();
        InetSocketAddress ep = new InetSocketAddress("127.0.0.1", 1);
        sa = new Session(ia, ib, new byte[32], true, new CipherState[] {cs(k1), cs(k2)}, ep, now);
        sb = new Session(ib, ia, new byte[32], false, new CipherState[] {cs(k2), cs(k1)}, ep, now);
        a.put(sa);
        b.put(sb);
    }

    byte[] sealed(byte[] packet) {
        byte[] buf = new byte[HubWire.MAX_DATAGRAM_BYTES];
        System.arraycopy(packet, 0, buf, HubWire.TRANSPORT_HEADER_BYTES, packet.length);
        int n = TransportPath.seal(sa, buf, ByteBuffer.wrap(buf), packet.length, now);
        return java.util.Arrays.copyOf(buf, n);
    }

    int open(TransportPath p, byte[] datagram) {
        byte[] buf = java.util.Arrays.copyOf(datagram, HubWire.MAX_DATAGRAM_BYTES);
        return p.open(buf, ByteBuffer.wrap(buf), datagram.length, now);
    }

    @Test
    void roundTripWithPaddingAndReplayRefusal() {
        pair();
        TransportPath rx = new TransportPath(b);
        byte[] pkt = Packets.ipv4("10.0.0.1", "10.0.0.2", 13);
        byte[] d = sealed(pkt);
        assertThat(d.length).isEqualTo(HubWire.TRANSPORT_HEADER_BYTES + 48 + HubWire.TAG_BYTES);
        assertThat(HubWire.getLongLE(d, HubWire.TRANSPORT_COUNTER_OFFSET)).isZero();
        assertThat(open(rx, d)).isEqualTo(48);
        assertThat(rx.session()).isSameAs(sb);
        assertThat(open(rx, d)).isEqualTo(-1);
        assertThat(rx.reason()).isEqualTo(HubDropReason.REPLAYED_COUNTER);
        byte[] keepalive = sealed(new byte[0]);
        assertThat(keepalive).hasSize(32);
        assertThat(open(rx, keepalive)).isZero();
    }

    @Test
    void forgedTruncatedAndMisaddressedPacketsAreCountedDrops() {
        pair();
        TransportPath rx = new TransportPath(b);
        byte[] d = sealed(Packets.ipv4("10.0.0.1", "10.0.0.2", 40));
        byte[] forged = d.clone();
        forged[forged.length - 1] ^= 1;
        assertThat(open(rx, forged)).isEqualTo(-1);
        assertThat(rx.reason()).isEqualTo(HubDropReason.DECRYPT_FAILED);
        // The forged packet did not consume its counter: the genuine one still opens.
        assertThat(open(rx, d)).isPositive();
        byte[] wrongIndex = sealed(new byte[0]);
        HubWire.putIntLE(wrongIndex, HubWire.TRANSPORT_RECEIVER_OFFSET, 12345);
        assertThat(open(rx, wrongIndex)).isEqualTo(-1);
        assertThat(rx.reason()).isIn(HubDropReason.UNKNOWN_RECEIVER, HubDropReason.DECRYPT_FAILED);
        assertThat(open(rx, new byte[31])).isEqualTo(-1);
        assertThat(rx.reason()).isEqualTo(HubDropReason.TOO_SHORT);
        byte[] badType = sealed(new byte[0]);
        badType[1] = 1;
        assertThat(open(rx, badType)).isEqualTo(-1);
        assertThat(rx.reason()).isEqualTo(HubDropReason.BAD_TYPE);
    }

    @Test
    void randomDatagramsNeverThrow() {
        pair();
        TransportPath rx = new TransportPath(b);
        Random r = new Random(7);
        for (int i = 0; i < 5000; i++) {
            byte[] d = new byte[r.nextInt(HubWire.MAX_DATAGRAM_BYTES)];
            r.nextBytes(d);
            if (d.length > 8 && r.nextBoolean()) {
                d[0] = HubWire.TYPE_TRANSPORT;
                d[1] = d[2] = d[3] = 0;
                HubWire.putIntLE(d, 4, sb.localIndex);
            }
            assertThat(open(rx, d)).isEqualTo(-1);
        }
    }

    @Test
    void deadOrExpiredSessionsNeitherSendNorReceive() throws Exception {
        pair();
        TransportPath rx = new TransportPath(b);
        byte[] d = sealed(new byte[0]);
        sb.kill();
        assertThat(open(rx, d)).isEqualTo(-1);
        assertThat(rx.reason()).isEqualTo(HubDropReason.SESSION_EXPIRED);
        TransportCipher c = sb.receiveCipher();
        Field key = TransportCipher.class.getDeclaredField("key");
        key.setAccessible(true);
        assertThat((byte[]) key.get(c)).containsOnly(0);
        now += NoiseLimits.REJECT_AFTER_TIME.toNanos();
        byte[] buf = new byte[64];
        assertThat(TransportPath.seal(sa, buf, ByteBuffer.wrap(buf), 0, now)).isEqualTo(-1);
    }

    @Test
    void countersAtTheHardLimitAreRefused() throws Exception {
        pair();
        Field f = Session.class.getDeclaredField("sendCounter");
        f.setAccessible(true);
        ((java.util.concurrent.atomic.AtomicLong) f.get(sa)).set(NoiseLimits.REJECT_AFTER_MESSAGES - 1);
        TransportPath rx = new TransportPath(b);
        byte[] last = sealed(new byte[0]);
        assertThat(open(rx, last)).isZero();
        byte[] buf = new byte[64];
        assertThat(TransportPath.seal(sa, buf, ByteBuffer.wrap(buf), 0, now)).isEqualTo(-1);
        // A forged counter at the limit is refused before any decryption.
        byte[] beyond = last.clone();
        HubWire.putLongLE(beyond, HubWire.TRANSPORT_COUNTER_OFFSET, NoiseLimits.REJECT_AFTER_MESSAGES);
        assertThat(open(rx, beyond)).isEqualTo(-1);
        assertThat(rx.reason()).isEqualTo(HubDropReason.REPLAYED_COUNTER);
    }
}
