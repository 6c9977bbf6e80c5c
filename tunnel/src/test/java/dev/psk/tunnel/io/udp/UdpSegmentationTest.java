package dev.psk.tunnel.io.udp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.tunnel.io.Libc;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * UDP_SEGMENT on batch sends, observed by plain {@link DatagramChannel} receivers on loopback: every
 * datagram arrives as its own datagram, in order and byte-exact, whether slots were coalesced or
 * not, and with the offload switched off or refused by the kernel the receivers see the same.
 */
class UdpSegmentationTest {
    private static final int RECEIVE_BUFFER_BYTES = 4 << 20;

    /** One datagram the batch should carry: its destination (receiver index) and content. */
    private record Planned(int receiver, byte[] payload) {}

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void equalDatagramsArriveOneByOneInOrderAndExact(String host) throws Exception {
        InetAddress loopback = loopback(host);
        List<Planned> plan = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            plan.add(new Planned(0, payload(i, 1400)));
        }
        try (NativeUdpSocket a = NativeUdpSocket.bind(new InetSocketAddress(loopback, 0), 1 << 20)) {
            assertThat(a.segmentationOffload()).isTrue();
            assertThat(a.segmentationFallbacks()).isZero();
            exchange(a, loopback, 1, plan, 64);
            assertThat(a.segmentedSends())
                    .as("runs the kernel accepted coalesced")
                    .isPositive();
        }
    }

    @Test
    void dualStackSocketCoalescesToV4MappedPeers() throws Exception {
        // The tunnel binds :: and talks to IPv4 peers through v4-mapped addresses.
        Assumptions.assumeTrue(hasIpv6(), "no IPv6");
        List<Planned> plan = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            plan.add(new Planned(0, payload(i, i == 19 ? 77 : 1300)));
        }
        try (NativeUdpSocket a = NativeUdpSocket.bind(new InetSocketAddress(InetAddress.getByName("::"), 0), 1 << 20)) {
            exchange(a, InetAddress.getByName("127.0.0.1"), 1, plan, 32);
            assertThat(a.segmentedSends()).isEqualTo(1);
            assertThat(a.segmentationFallbacks()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void mixedLengthsAndDestinationsKeepEveryBoundary(boolean offload) throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        int[][] shape = { // {receiver, length}
            {0, 1000}, {0, 1000}, {0, 1000}, {0, 500}, // a run ended by a shorter datagram
            {0, 1000}, {0, 1000}, // a new run right after it
            {1, 1000}, {1, 1000}, // same length, other destination
            {0, 1000}, {0, 0}, {0, 1000}, // an empty datagram never joins a run
            {1, 300}, {1, 1200}, {1, 1200}, // longer after shorter: a new run
            {0, 1}, {1, 1}, {0, 1}, {0, 1}, // tiny, alternating
            {1, 1200}, // a lone last datagram
        };
        List<Planned> plan = new ArrayList<>();
        for (int i = 0; i < shape.length; i++) {
            plan.add(new Planned(shape[i][0], payload(i, shape[i][1])));
        }
        try (NativeUdpSocket a = NativeUdpSocket.bind(new InetSocketAddress(loopback, 0), 1 << 20)) {
            a.segmentationOffload(offload);
            exchange(a, loopback, 2, plan, 32);
            if (offload) {
                assertThat(a.segmentedSends()).isPositive();
            } else {
                assertThat(a.segmentedSends()).isZero();
                assertThat(a.segmentationOffload()).isFalse();
            }
            assertThat(a.segmentationFallbacks()).isZero();
        }
    }

    @Test
    void randomBatchesArriveExactlyAsSent() throws Exception {
        // Lengths drawn so that runs, shorter tails, empty datagrams and breaks all occur often.
        long seed = Long.getLong("psk.test.seed", System.nanoTime());
        SplittableRandom random = new SplittableRandom(seed);
        int[] lengths = {0, 1, 300, 1200, 1200, 1200, 1200, 1199};
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (NativeUdpSocket a = NativeUdpSocket.bind(new InetSocketAddress(loopback, 0), 4 << 20)) {
            for (int round = 0; round < 40; round++) {
                List<Planned> plan = new ArrayList<>();
                int n = 1 + random.nextInt(64);
                int receiver = 0;
                for (int i = 0; i < n; i++) {
                    if (random.nextInt(8) == 0) {
                        receiver = random.nextInt(3);
                    }
                    plan.add(new Planned(receiver, payload(round * 100 + i, lengths[random.nextInt(lengths.length)])));
                }
                try {
                    exchange(a, loopback, 3, plan, 64);
                } catch (AssertionError e) {
                    throw new AssertionError(
                            "seed " + seed + " (-Dpsk.test.seed), round " + round + ": " + e.getMessage(), e);
                }
            }
            assertThat(a.segmentedSends()).isPositive();
            assertThat(a.segmentationFallbacks()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 1400})
    void runsLongerThanOneMessageAllowsAreSplit(int size) throws Exception {
        // 200 B x 150 exceeds the 64-segment limit; 1400 B x 150 exceeds 65,507 bytes per message.
        InetAddress loopback = InetAddress.getByName("::1");
        Assumptions.assumeTrue(hasIpv6(), "no IPv6 loopback");
        List<Planned> plan = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            plan.add(new Planned(0, payload(i, size)));
        }
        try (NativeUdpSocket a = NativeUdpSocket.bind(new InetSocketAddress(loopback, 0), 4 << 20)) {
            exchange(a, loopback, 1, plan, 150);
            long minimumMessages = Math.max(150 / Libc.UDP_MAX_SEGMENTS, 150L * size / Libc.UDP_MAX_PAYLOAD_BYTES);
            assertThat(a.segmentedSends()).isGreaterThan(minimumMessages);
            assertThat(a.segmentationFallbacks()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void refusedRunIsSkippedAndTheRestStillGo(boolean offload) throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (NativeUdpSocket a = NativeUdpSocket.bind(new InetSocketAddress(loopback, 0), 1 << 20);
                DatagramChannel b = receiver(loopback)) {
            a.segmentationOffload(offload);
            InetSocketAddress good = (InetSocketAddress) b.getLocalAddress();
            InetSocketAddress bad = new InetSocketAddress(loopback, 0); // sendmsg: EINVAL
            InetSocketAddress[] to = {good, good, bad, bad, bad, good, good};
            DatagramBatch out = a.newBatch(to.length, 256);
            for (int i = 0; i < to.length; i++) {
                out.buffer(i).clear().put(payload(i, 100)).flip();
                out.destination(i, to[i]);
            }
            assertThat(a.send(out, to.length)).isEqualTo(4);
            boolean[] sent = new boolean[to.length];
            for (int i = 0; i < to.length; i++) {
                sent[i] = out.sent(i);
            }
            assertThat(sent).containsExactly(true, true, false, false, false, true, true);
            for (int i : new int[] {0, 1, 5, 6}) {
                assertSame(take(b), payload(i, 100), "slot " + i);
            }
            assertThat(a.segmentationFallbacks())
                    .as("a bad destination is no reason to give up")
                    .isZero();
            assertThat(a.segmentationOffload()).isEqualTo(offload);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void kernelRefusingTheOffloadFallsBackForGood(boolean laterBatch) throws Exception {
        // Without UDP checksums (SO_NO_CHECK, IPv4) the kernel refuses UDP_SEGMENT with EINVAL.
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        List<Planned> plan = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            plan.add(new Planned(0, payload(i, i < 3 ? 10 + i : 900)));
        }
        try (NativeUdpSocket a = NativeUdpSocket.bind(new InetSocketAddress(loopback, 0), 1 << 20)) {
            if (laterBatch) {
                exchange(a, loopback, 1, plan, 32);
                assertThat(a.segmentedSends()).isPositive();
            }
            long before = a.segmentedSends();
            a.setIntOption(Libc.SOL_SOCKET, Libc.SO_NO_CHECK, 1);
            exchange(a, loopback, 1, plan, 32);
            assertThat(a.segmentationFallbacks()).isEqualTo(1);
            assertThat(a.segmentationOffload()).isFalse();
            assertThat(a.segmentedSends()).isEqualTo(before);
            exchange(a, loopback, 1, plan, 32); // and plainly from now on
            assertThat(a.segmentationFallbacks()).isEqualTo(1);
            assertThat(a.segmentedSends()).isEqualTo(before);
        }
    }

    /**
     * Sends {@code plan} as one batch from {@code a} to {@code receivers} fresh channels, asserts
     * every datagram sent and each receiver's datagrams in order and exact, and nothing more.
     */
    private static void exchange(
            NativeUdpSocket a, InetAddress loopback, int receivers, List<Planned> plan, int capacity)
            throws IOException {
        DatagramChannel[] rx = new DatagramChannel[receivers];
        try {
            InetSocketAddress[] to = new InetSocketAddress[receivers];
            for (int r = 0; r < receivers; r++) {
                rx[r] = receiver(loopback);
                to[r] = (InetSocketAddress) rx[r].getLocalAddress();
            }
            DatagramBatch out = a.newBatch(capacity, 2048);
            for (int i = 0; i < plan.size(); i++) {
                ByteBuffer buf = out.buffer(i);
                buf.clear().position(7); // datagrams start inside the slot, as sealed packets do
                buf.put(plan.get(i).payload()).flip().position(7);
                out.destination(i, to[plan.get(i).receiver()]);
            }
            assertThat(a.send(out, plan.size())).isEqualTo(plan.size());
            for (int i = 0; i < plan.size(); i++) {
                assertThat(out.sent(i)).as("slot %d sent", i).isTrue();
            }
            for (int r = 0; r < receivers; r++) {
                int k = 0;
                for (int i = 0; i < plan.size(); i++) {
                    if (plan.get(i).receiver() == r) {
                        assertSame(
                                take(rx[r]),
                                plan.get(i).payload(),
                                "receiver " + r + " datagram " + k++ + " (slot " + i + ")");
                    }
                }
                rx[r].configureBlocking(false);
                assertThat(rx[r].receive(ByteBuffer.allocate(65536)))
                        .as("receiver %d: nothing more", r)
                        .isNull();
            }
        } finally {
            for (DatagramChannel c : rx) {
                if (c != null) {
                    c.close();
                }
            }
        }
    }

    private static void assertSame(byte[] got, byte[] want, String what) {
        if (!Arrays.equals(got, want)) {
            throw new AssertionError(what + ": got " + got.length + " bytes, expected " + want.length
                    + ", first difference at byte " + Arrays.mismatch(got, want));
        }
    }

    private static DatagramChannel receiver(InetAddress loopback) throws IOException {
        DatagramChannel c = DatagramChannel.open(
                loopback.getAddress().length == 4 ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
        c.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER_BYTES);
        c.bind(new InetSocketAddress(loopback, 0));
        return c;
    }

    /** The next datagram (blocking, at most 5 s), exactly as long as it arrived. */
    private static byte[] take(DatagramChannel c) throws IOException {
        c.configureBlocking(true);
        c.socket().setSoTimeout(5000);
        java.net.DatagramPacket p = new java.net.DatagramPacket(new byte[65536], 65536);
        c.socket().receive(p);
        return Arrays.copyOfRange(p.getData(), 0, p.getLength());
    }

    /** Distinct, recognisable bytes for datagram {@code index}. */
    static byte[] payload(int index, int length) {
        byte[] b = new byte[length];
        for (int j = 0; j < length; j++) {
            b[j] = (byte) (index * 31 + j * 7 + (j >> 8));
        }
        return b;
    }

    private static InetAddress loopback(String host) throws IOException {
        if (host.contains(":")) {
            Assumptions.assumeTrue(hasIpv6(), "no IPv6 loopback");
        }
        return InetAddress.getByName(host);
    }

    private static boolean hasIpv6() {
        try (DatagramChannel c = DatagramChannel.open(StandardProtocolFamily.INET6)) {
            c.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
