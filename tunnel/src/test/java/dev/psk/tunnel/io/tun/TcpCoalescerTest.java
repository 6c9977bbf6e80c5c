package dev.psk.tunnel.io.tun;

import static dev.psk.tunnel.io.tun.TcpPackets.ACK;
import static dev.psk.tunnel.io.tun.TcpPackets.PSH;
import static dev.psk.tunnel.io.tun.TcpPackets.SYN;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TcpCoalescerTest {
    private static final int MSS = 1368;

    private static List<byte[]> segments(boolean v6, int count, int lastLength, int lastFlags) {
        List<byte[]> out = new ArrayList<>();
        TcpPackets.Spec base = TcpPackets.data(v6, 1000, null);
        for (int i = 0; i < count; i++) {
            int len = i == count - 1 ? lastLength : MSS;
            out.add(TcpPackets.build(base.withSeq(1000 + i * MSS)
                    .withPayload(TcpPackets.payload(len, i))
                    .withId(100 + i)
                    .withFlags(i == count - 1 ? lastFlags : ACK)));
        }
        return out;
    }

    /** Feeds packets as the TUN writer does and returns the frames handed to the kernel. */
    private static List<byte[]> feed(TcpCoalescer c, List<byte[]> packets) {
        List<byte[]> frames = new ArrayList<>();
        for (byte[] p : packets) {
            ByteBuffer b = ByteBuffer.allocateDirect(p.length + 20).position(9);
            b.put(p).flip().position(9);
            if (!c.append(b, 9, p.length)) {
                if (!c.isEmpty()) {
                    frames.add(bytes(c.take()));
                }
                c.start(b, 9, p.length);
            }
        }
        if (!c.isEmpty()) {
            frames.add(bytes(c.take()));
        }
        return frames;
    }

    private static byte[] bytes(ByteBuffer frame) {
        byte[] a = new byte[frame.remaining()];
        frame.get(frame.position(), a);
        return a;
    }

    /** Splits a frame the way the kernel would (through TcpSegmenter) back into packets. */
    private static List<byte[]> resegment(byte[] frame) {
        ByteBuffer f = ByteBuffer.allocateDirect(frame.length).put(frame);
        TcpSegmenter s = new TcpSegmenter();
        int n = s.load(f, 0, frame.length);
        assertThat(n).as("frame must be well-formed").isPositive();
        List<byte[]> out = new ArrayList<>();
        ByteBuffer dst = ByteBuffer.allocate(65536);
        for (int i = 0; i < n; i++) {
            dst.clear();
            int k = s.next(dst);
            out.add(Arrays.copyOf(dst.array(), k));
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void inOrderSegmentsBecomeOneGsoFrameThatSplitsBackIntoThem(boolean v6) {
        List<byte[]> packets = segments(v6, 20, 500, ACK | PSH);
        TcpCoalescer c = new TcpCoalescer();
        List<byte[]> frames = feed(c, packets);

        assertThat(frames).hasSize(1);
        byte[] f = frames.get(0);
        ByteBuffer hdr = ByteBuffer.wrap(f);
        int ip = v6 ? 40 : 20;
        assertThat(VirtioNetHeader.flags(hdr, 0)).isEqualTo(VirtioNetHeader.F_NEEDS_CSUM);
        assertThat(VirtioNetHeader.gsoType(hdr, 0))
                .isEqualTo(v6 ? VirtioNetHeader.GSO_TCPV6 : VirtioNetHeader.GSO_TCPV4);
        assertThat(VirtioNetHeader.gsoSize(hdr, 0)).isEqualTo(MSS);
        assertThat(VirtioNetHeader.csumStart(hdr, 0)).isEqualTo(ip);
        assertThat(VirtioNetHeader.csumOffset(hdr, 0)).isEqualTo(16);
        assertThat(f.length).isEqualTo(VirtioNetHeader.BYTES + ip + 32 + 19 * MSS + 500);
        assertThat(f[VirtioNetHeader.BYTES + ip + 13])
                .as("PSH of the last carried over")
                .isEqualTo((byte) (ACK | PSH));
        assertThat(c.coalescedPackets()).isEqualTo(20);

        // The kernel's own segmentation reproduces the packets (IPv4 ids counted from the first).
        assertThat(resegment(f)).containsExactlyElementsOf(packets);
    }

    @Test
    void aLonePacketGoesOutUnchangedWithAPlainHeader() {
        byte[] p = segments(false, 1, 700, ACK).get(0);
        List<byte[]> frames = feed(new TcpCoalescer(), List.of(p));
        assertThat(frames).hasSize(1);
        byte[] f = frames.get(0);
        assertThat(Arrays.copyOf(f, VirtioNetHeader.BYTES)).containsOnly(0);
        assertThat(Arrays.copyOfRange(f, VirtioNetHeader.BYTES, f.length)).isEqualTo(p);
    }

    @Test
    void packetsThatDoNotContinueTheFlowEndTheFrameAndKeepTheirOrder() {
        record Case(String name, UnaryOperator<byte[]> mutate) {}
        List<Case> cases = List.of(
                new Case("sequence gap", p -> rebuild(p, 24, 0x01)),
                new Case("other source port", p -> rebuild(p, 20, 0x77)),
                new Case("other ack number", p -> rebuild(p, 28, 0x55)),
                new Case("other window", p -> rebuild(p, 34, 0x03)),
                new Case("other TTL", p -> rebuild(p, 8, 0x20)),
                new Case("other TOS", p -> rebuild(p, 1, 0x04)),
                new Case("other timestamp option", p -> rebuild(p, 47, 0x09)),
                new Case("SYN", p -> rebuild(p, 33, SYN | ACK)),
                new Case("URG pointer", p -> rebuild(p, 39, 1)),
                new Case("bad TCP checksum", p -> {
                    byte[] q = p.clone();
                    q[36] ^= 0x01;
                    return q;
                }));
        for (Case k : cases) {
            List<byte[]> packets = segments(false, 4, MSS, ACK);
            packets.set(2, k.mutate().apply(packets.get(2)));
            List<byte[]> frames = feed(new TcpCoalescer(), packets);
            assertThat(frames).as(k.name()).hasSize(3);
            assertThat(resegment(frames.get(0))).as(k.name()).containsExactlyElementsOf(packets.subList(0, 2));
            assertThat(Arrays.copyOfRange(frames.get(1), VirtioNetHeader.BYTES, frames.get(1).length))
                    .as(k.name())
                    .isEqualTo(packets.get(2));
        }
    }

    @Test
    void aBadChecksumOnTheFirstPacketKeepsItAloneForTheKernelToCheck() {
        List<byte[]> packets = segments(false, 3, MSS, ACK);
        packets.get(0)[60] ^= 0x10; // payload corrupted after the checksum was computed
        List<byte[]> frames = feed(new TcpCoalescer(), packets);
        assertThat(frames).hasSize(2);
        assertThat(Arrays.copyOfRange(frames.get(0), VirtioNetHeader.BYTES, frames.get(0).length))
                .isEqualTo(packets.get(0));
        assertThat(resegment(frames.get(1))).containsExactlyElementsOf(packets.subList(1, 3));
    }

    @Test
    void shortSegmentPshAndSizeLimitsEndTheFrame() {
        // A short segment may only be last: the next one starts a new frame.
        List<byte[]> a = segments(false, 3, 100, ACK);
        List<byte[]> more = new ArrayList<>(a);
        more.add(TcpPackets.build(TcpPackets.data(false, 1000 + 2 * MSS + 100, TcpPackets.payload(MSS, 9))));
        assertThat(feed(new TcpCoalescer(), more)).hasSize(2);
        // PSH: nothing joins after it.
        List<byte[]> b = segments(false, 3, MSS, ACK | PSH);
        b.add(TcpPackets.build(TcpPackets.data(false, 1000 + 3 * MSS, TcpPackets.payload(MSS, 9))));
        assertThat(feed(new TcpCoalescer(), b)).hasSize(2);
        // 64 KiB: 47 full segments fit (47 * 1368 + 52 <= 65535), the 48th starts a new frame.
        List<byte[]> big = segments(false, 60, MSS, ACK);
        List<byte[]> frames = feed(new TcpCoalescer(), big);
        assertThat(frames).hasSize(2);
        assertThat(frames.get(0).length - VirtioNetHeader.BYTES).isLessThanOrEqualTo(TcpCoalescer.MAX_PACKET_BYTES);
        assertThat(resegment(frames.get(0))).hasSize(47);
        assertThat(resegment(frames.get(1))).containsExactlyElementsOf(big.subList(47, 60));
    }

    @Test
    void nonTcpAndIpv4WithOptionsAreNeverJoined() {
        byte[] udp = segments(false, 1, 200, ACK).get(0);
        udp[9] = 17;
        List<byte[]> twoUdp = List.of(udp, udp);
        assertThat(feed(new TcpCoalescer(), twoUdp)).hasSize(2);
        byte[] icmp = {0x45, 0, 0, 28, 0, 1, 0, 0, 64, 1, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 8, 0, 0, 0, 0, 0, 0, 0};
        assertThat(feed(new TcpCoalescer(), List.of(icmp, icmp))).hasSize(2);
        byte[] options = segments(false, 1, 200, ACK).get(0);
        options[0] = 0x46;
        assertThat(feed(new TcpCoalescer(), List.of(options, options))).hasSize(2);
    }

    @Test
    void randomlyCorruptedPacketsNeverThrowAndNeverJoinUnlessValid() {
        Random r = new Random(424242);
        TcpCoalescer c = new TcpCoalescer();
        for (int trial = 0; trial < 3000; trial++) {
            List<byte[]> packets = segments(trial % 2 == 1, 6, 1 + r.nextInt(MSS), ACK);
            for (int k = r.nextInt(3); k >= 0; k--) {
                byte[] p = packets.get(r.nextInt(packets.size()));
                p[r.nextInt(Math.min(p.length, 100))] = (byte) r.nextInt(256);
            }
            int cut = r.nextInt(packets.size());
            byte[] truncated = packets.get(cut);
            packets.set(cut, Arrays.copyOf(truncated, r.nextInt(truncated.length + 1)));
            for (byte[] f : feed(c, packets)) {
                ByteBuffer hdr = ByteBuffer.wrap(f);
                if (VirtioNetHeader.gsoType(hdr, 0) != VirtioNetHeader.GSO_NONE) {
                    for (byte[] seg : resegment(f)) {
                        assertThat(TcpPackets.checksumsValid(seg)).isTrue();
                    }
                }
            }
        }
    }

    @Test
    void segmentingAndJoiningAllocateNothingPerPacket() {
        byte[] superPacket = TcpPackets.build(TcpPackets.data(false, 1, TcpPackets.payload(47 * MSS, 1)));
        ByteBuffer frame = ByteBuffer.allocateDirect(VirtioNetHeader.BYTES + superPacket.length);
        VirtioNetHeader.put(frame, 0, VirtioNetHeader.F_NEEDS_CSUM, VirtioNetHeader.GSO_TCPV4, 52, MSS, 20, 16);
        frame.put(VirtioNetHeader.BYTES, superPacket);
        TcpSegmenter segmenter = new TcpSegmenter();
        TcpCoalescer coalescer = new TcpCoalescer();
        ByteBuffer packet = ByteBuffer.allocateDirect(2048);
        long joined = cycle(frame, segmenter, coalescer, packet, 3000); // warm-up: let C2 compile the path
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        long before = threads.getThreadAllocatedBytes(tid);
        joined = cycle(frame, segmenter, coalescer, packet, 2000);
        long allocated = threads.getThreadAllocatedBytes(tid) - before;
        assertThat(joined).as("frames that came back whole").isEqualTo(2000);
        // 2000 frames = 94,000 packets cut and joined; one allocation per packet would be > 1 MB.
        assertThat(allocated).as("bytes allocated").isLessThan(16 * 1024);
    }

    /** Cuts {@code frames} times a 47-segment frame and joins the segments again; counts whole frames. */
    private static long cycle(ByteBuffer frame, TcpSegmenter s, TcpCoalescer c, ByteBuffer packet, int frames) {
        long whole = 0;
        for (int f = 0; f < frames; f++) {
            int n = s.load(frame, 0, frame.capacity());
            for (int i = 0; i < n; i++) {
                packet.clear();
                int len = s.next(packet);
                if (!c.append(packet, 0, len)) {
                    if (!c.isEmpty()) {
                        c.take();
                    }
                    c.start(packet, 0, len);
                }
            }
            if (c.pendingSegments() == n) {
                whole++;
            }
            c.take();
        }
        return whole;
    }

    /** Changes byte {@code i} of a packet to {@code v} and recomputes its checksums. */
    private static byte[] rebuild(byte[] p, int i, int v) {
        byte[] q = p.clone();
        q[i] = (byte) v;
        TcpPackets.fillChecksums(q, false);
        return q;
    }
}
