package dev.psk.tunnel.io.tun;

import static dev.psk.tunnel.io.tun.TcpPackets.ACK;
import static dev.psk.tunnel.io.tun.TcpPackets.CWR;
import static dev.psk.tunnel.io.tun.TcpPackets.FIN;
import static dev.psk.tunnel.io.tun.TcpPackets.PSH;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TcpSegmenterTest {
    private static final int MSS = 1368;

    /** A frame as the kernel hands it over: virtio header, then the packet. */
    private static ByteBuffer frame(byte[] packet, int flags, int gsoType, int gsoSize, int csumStart, int csumOffset) {
        ByteBuffer b = ByteBuffer.allocateDirect(VirtioNetHeader.BYTES + packet.length + 16);
        VirtioNetHeader.put(b, 0, flags, gsoType, 0, gsoSize, csumStart, csumOffset);
        b.put(VirtioNetHeader.BYTES, packet);
        return b;
    }

    private static byte[] next(TcpSegmenter s, ByteBuffer dst) {
        dst.clear().position(7); // not at 0: the segmenter must honour the position
        int n = s.next(dst);
        assertThat(dst.position()).isEqualTo(7 + n);
        byte[] out = new byte[n];
        dst.get(7, out);
        return out;
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void superPacketIsCutIntoTheSegmentsTheSenderWouldHaveSent(boolean v6) {
        byte[] payload = TcpPackets.payload(10 * MSS + 123, 1);
        TcpPackets.Spec spec = TcpPackets.data(v6, 0xfffff000, payload)
                .withFlags(ACK | PSH | FIN | CWR)
                .withId(0xfffe);
        byte[] superPacket = TcpPackets.build(spec);
        int gso = (v6 ? VirtioNetHeader.GSO_TCPV6 : VirtioNetHeader.GSO_TCPV4) | VirtioNetHeader.GSO_ECN;
        ByteBuffer f = frame(superPacket, VirtioNetHeader.F_NEEDS_CSUM, gso, MSS, v6 ? 40 : 20, 16);
        TcpSegmenter s = new TcpSegmenter();

        assertThat(s.load(f, 0, VirtioNetHeader.BYTES + superPacket.length)).isEqualTo(11);
        ByteBuffer dst = ByteBuffer.allocateDirect(2000);
        for (int i = 0; i < 11; i++) {
            byte[] part = Arrays.copyOfRange(payload, i * MSS, Math.min(payload.length, (i + 1) * MSS));
            int flags = ACK | (i == 0 ? CWR : 0) | (i == 10 ? PSH | FIN : 0);
            byte[] expected = TcpPackets.build(spec.withSeq(0xfffff000 + i * MSS)
                    .withPayload(part)
                    .withFlags(flags)
                    .withId(v6 ? 0xfffe : (0xfffe + i) & 0xffff));
            assertThat(next(s, dst)).as("segment %d", i).isEqualTo(expected);
        }
        assertThat(s.remaining()).isZero();
        assertThat(s.next(dst)).isZero();
    }

    @Test
    void plainFrameIsPassedOnUnchanged() {
        byte[] packet = TcpPackets.build(TcpPackets.data(false, 5, TcpPackets.payload(300, 2)));
        TcpSegmenter s = new TcpSegmenter();
        assertThat(s.load(frame(packet, 0, 0, 0, 0, 0), 0, VirtioNetHeader.BYTES + packet.length))
                .isEqualTo(1);
        assertThat(next(s, ByteBuffer.allocate(2000))).isEqualTo(packet);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void partialTcpChecksumIsFinished(boolean v6) {
        byte[] packet = TcpPackets.build(TcpPackets.data(v6, 99, TcpPackets.payload(777, 3)));
        byte[] partial = packet.clone();
        int ip = v6 ? 40 : 20;
        // What the kernel leaves with CHECKSUM_PARTIAL: the folded pseudo-header sum, not complemented.
        int pseudo = v6 ? TcpPackets.referenceSum(packet, 8, 32, 0) : TcpPackets.referenceSum(packet, 12, 8, 0);
        int field = TcpPackets.referenceSum(new byte[0], 0, 0, pseudo + 6 + packet.length - ip);
        partial[ip + 16] = (byte) (field >>> 8);
        partial[ip + 17] = (byte) field;
        TcpSegmenter s = new TcpSegmenter();
        assertThat(s.load(
                        frame(partial, VirtioNetHeader.F_NEEDS_CSUM, 0, 0, ip, 16),
                        0,
                        VirtioNetHeader.BYTES + partial.length))
                .isEqualTo(1);
        assertThat(next(s, ByteBuffer.allocateDirect(2000))).isEqualTo(packet);
    }

    @Test
    void partialUdpChecksumIsFinishedAndZeroBecomesAllOnes() {
        TcpSegmenter s = new TcpSegmenter();
        ByteBuffer dst = ByteBuffer.allocateDirect(2000);
        boolean sawZero = false;
        for (int v = 0; v < 0x10000 && !sawZero; v++) {
            // IPv4 10.0.0.1:1000 -> 10.0.0.2:2000, 8 bytes of data whose last word sweeps the sum.
            byte[] p = {
                0x45,
                0,
                0,
                36,
                0,
                0,
                0x40,
                0,
                64,
                17,
                0,
                0,
                10,
                0,
                0,
                1,
                10,
                0,
                0,
                2,
                0x03,
                (byte) 0xe8,
                0x07,
                (byte) 0xd0,
                0,
                16,
                0,
                0,
                1,
                2,
                3,
                4,
                5,
                6,
                (byte) (v >>> 8),
                (byte) v
            };
            int pseudo = TcpPackets.referenceSum(p, 12, 8, 0) + 17 + 16;
            int partial = TcpPackets.referenceSum(new byte[0], 0, 0, pseudo);
            p[26] = (byte) (partial >>> 8);
            p[27] = (byte) partial;
            assertThat(s.load(frame(p, VirtioNetHeader.F_NEEDS_CSUM, 0, 0, 20, 6), 0, VirtioNetHeader.BYTES + p.length))
                    .isEqualTo(1);
            byte[] out = next(s, dst);
            int field = TcpPackets.u16(out, 26);
            assertThat(field).as("0 means 'no checksum' in UDP (RFC 768)").isNotZero();
            out[26] = 0;
            out[27] = 0;
            int expected =
                    ~TcpPackets.referenceSum(out, 20, 16, TcpPackets.referenceSum(new byte[0], 0, 0, pseudo)) & 0xffff;
            if (expected == 0) {
                sawZero = true;
                assertThat(field).isEqualTo(0xffff);
            } else {
                assertThat(field).isEqualTo(expected);
            }
        }
        assertThat(sawZero)
                .as("the sweep reached a datagram whose checksum computes to zero")
                .isTrue();
    }

    @Test
    void malformedFramesYieldNothing() {
        byte[] good = TcpPackets.build(TcpPackets.data(false, 1, TcpPackets.payload(4000, 4)));
        TcpSegmenter s = new TcpSegmenter();
        int len = VirtioNetHeader.BYTES + good.length;
        assertThat(s.load(frame(good, 1, VirtioNetHeader.GSO_TCPV4, MSS, 20, 16), 0, len))
                .as("control")
                .isEqualTo(3);
        assertThat(s.load(frame(good, 1, VirtioNetHeader.GSO_TCPV4, 0, 20, 16), 0, len))
                .as("gso_size 0")
                .isZero();
        assertThat(s.load(frame(good, 1, 3, MSS, 20, 16), 0, len))
                .as("UDP GSO (never enabled)")
                .isZero();
        assertThat(s.load(frame(good, 1, VirtioNetHeader.GSO_TCPV6, MSS, 20, 16), 0, len))
                .as("v6 type, v4 packet")
                .isZero();
        assertThat(s.load(frame(good, 1, VirtioNetHeader.GSO_TCPV4, MSS, 20, 16), 0, len - 1))
                .as("truncated")
                .isZero();
        assertThat(s.load(frame(good, 1, VirtioNetHeader.GSO_TCPV4, MSS, 20, 16), 0, 25))
                .as("shorter than a header")
                .isZero();
        assertThat(s.load(frame(good, 1, 0, 0, 20, good.length - 20 - 1), 0, len))
                .as("checksum field past the end")
                .isZero();
        assertThat(s.load(frame(good, 1, 0, 0, 3, 16), 0, len))
                .as("checksum start inside the IP header")
                .isZero();
        byte[] fragment = good.clone();
        fragment[6] = 0x20; // MF
        assertThat(s.load(frame(fragment, 1, VirtioNetHeader.GSO_TCPV4, MSS, 20, 16), 0, len))
                .as("fragment")
                .isZero();
        byte[] udp = good.clone();
        udp[9] = 17;
        assertThat(s.load(frame(udp, 1, VirtioNetHeader.GSO_TCPV4, MSS, 20, 16), 0, len))
                .as("not TCP")
                .isZero();
        byte[] shortTcp = good.clone();
        shortTcp[20 + 12] = 0x40; // data offset 4 words
        assertThat(s.load(frame(shortTcp, 1, VirtioNetHeader.GSO_TCPV4, MSS, 20, 16), 0, len))
                .as("TCP header < 20")
                .isZero();
        assertThat(s.remaining()).isZero();
    }

    @Test
    void randomlyCorruptedFramesNeverThrowAndStayWithinTheirBounds() {
        Random r = new Random(20261122);
        byte[] v4 = TcpPackets.build(TcpPackets.data(false, 1, TcpPackets.payload(5000, 5)));
        byte[] v6 = TcpPackets.build(TcpPackets.data(true, 1, TcpPackets.payload(5000, 6)));
        TcpSegmenter s = new TcpSegmenter();
        ByteBuffer dst = ByteBuffer.allocateDirect(65536 + 64);
        for (int trial = 0; trial < 20_000; trial++) {
            byte[] p = (trial % 2 == 0 ? v4 : v6).clone();
            int len = r.nextInt(p.length + 1);
            for (int k = r.nextInt(4); k >= 0; k--) {
                p[r.nextInt(Math.min(p.length, 80))] = (byte) r.nextInt(256);
            }
            ByteBuffer f = frame(
                    p,
                    r.nextInt(2),
                    r.nextInt(8) == 0 ? r.nextInt(256) : 1 + 3 * (trial % 2),
                    r.nextInt(4) == 0 ? r.nextInt(65536) : MSS,
                    r.nextInt(4) == 0 ? r.nextInt(65536) : 20,
                    16);
            int n = s.load(f, 0, Math.min(len + VirtioNetHeader.BYTES, f.capacity()));
            for (int i = 0; i < n; i++) {
                dst.clear();
                int k = s.next(dst);
                assertThat(k).isPositive().isLessThanOrEqualTo(len);
            }
        }
    }
}
