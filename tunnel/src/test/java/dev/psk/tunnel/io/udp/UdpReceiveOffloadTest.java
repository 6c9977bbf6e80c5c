package dev.psk.tunnel.io.udp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * UDP_GRO on receive, fed by UDP_SEGMENT bursts on loopback (loopback hands a GSO message to a GRO
 * socket whole): every datagram still comes out as its own slot, in order, exact, with its sender,
 * across receive calls when the slots run out.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UdpReceiveOffloadTest {

    /** One expected datagram: sender and content. */
    private record Expected(InetSocketAddress from, byte[] payload) {}

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void segmentedBurstComesOutOneDatagramPerSlotAcrossCalls(String host) throws Exception {
        InetAddress loopback = loopback(host);
        try (NativeUdpSocket a = NativeUdpSocket.bind(new InetSocketAddress(loopback, 0), 1 << 20);
                NativeUdpSocket b = NativeUdpSocket.bind(new InetSocketAddress(loopback, 0), 1 << 20, true)) {
            assertThat(b.receiveOffload()).isTrue();
            List<Expected> expected = new ArrayList<>();
            int[] sizes = new int[41];
            Arrays.fill(sizes, 1000);
            sizes[40] = 37; // a shorter last datagram
            sendBatch(a, b.localAddress(), 0, sizes, expected);
            // 41 datagrams into 16 slots: 16 + 16 + 9, the rest held between calls.
            int[] counts = drain(b, b.newBatch(16, 2048), expected);
            assertThat(counts).containsExactly(16, 16, 9);
            assertThat(a.segmentedSends()).isEqualTo(1);
            assertThat(b.coalescedReceives()).isEqualTo(1);
        }
    }

    @Test
    void dualStackReceiverReportsV4SendersAsIpv4() throws Exception {
        try (NativeUdpSocket v6 = bindOrAbort("::");
                NativeUdpSocket a =
                        NativeUdpSocket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 1 << 20)) {
            List<Expected> expected = new ArrayList<>();
            int[] sizes = new int[12];
            Arrays.fill(sizes, 1200);
            InetSocketAddress to = new InetSocketAddress(
                    InetAddress.getByName("127.0.0.1"), v6.localAddress().getPort());
            sendBatch(a, to, 0, sizes, expected); // expected sources: a's IPv4 address, not ::ffff:
            drain(v6, v6.newBatch(32, 2048), expected);
            assertThat(v6.coalescedReceives()).isEqualTo(1);
        }
    }

    private static NativeUdpSocket bindOrAbort(String host) throws IOException {
        try {
            return NativeUdpSocket.bind(new InetSocketAddress(InetAddress.getByName(host), 0), 1 << 20, true);
        } catch (IOException e) {
            Assumptions.abort("cannot bind " + host + ": " + e.getMessage());
            throw e;
        }
    }

    @Test
    void interleavedSendersKeepTheirSourcesAndOrder() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (NativeUdpSocket a = NativeUdpSocket.bind(new InetSocketAddress(loopback, 0), 1 << 20);
                NativeUdpSocket b = NativeUdpSocket.bind(new InetSocketAddress(loopback, 0), 1 << 20, true);
                DatagramChannel c = DatagramChannel.open(StandardProtocolFamily.INET)) {
            c.bind(new InetSocketAddress(loopback, 0));
            InetSocketAddress fromC = (InetSocketAddress) c.getLocalAddress();
            InetSocketAddress toB = b.localAddress();
            List<Expected> expected = new ArrayList<>();
            sendBatch(a, toB, 0, new int[] {500, 500, 500, 500, 500, 500, 500, 500, 500, 500}, expected);
            for (int i = 0; i < 3; i++) {
                byte[] p = UdpSegmentationTest.payload(100 + i, 300 + i);
                c.send(ByteBuffer.wrap(p), toB);
                expected.add(new Expected(fromC, p));
            }
            sendBatch(a, toB, 200, new int[] {800, 800, 800, 800, 799}, expected);
            sendBatch(a, toB, 300, new int[] {0}, expected); // an empty datagram is a slot too
            drain(b, b.newBatch(7, 2048), expected);
            assertThat(b.coalescedReceives()).isEqualTo(2);
        }
    }

    @Test
    void datagramsLongerThanASlotAreCutAsWithoutOffload() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        for (boolean offload : new boolean[] {true, false}) {
            try (NativeUdpSocket a = NativeUdpSocket.bind(new InetSocketAddress(loopback, 0), 1 << 20);
                    NativeUdpSocket b = NativeUdpSocket.bind(new InetSocketAddress(loopback, 0), 1 << 20, offload)) {
                List<Expected> sent = new ArrayList<>();
                sendBatch(a, b.localAddress(), 0, new int[] {600, 600, 600, 600}, sent);
                List<Expected> cut = new ArrayList<>();
                for (Expected e : sent) {
                    cut.add(new Expected(e.from(), Arrays.copyOf(e.payload(), 256)));
                }
                drain(b, b.newBatch(8, 256), cut);
                assertThat(b.coalescedReceives()).as("offload %s", offload).isEqualTo(offload ? 1 : 0);
            }
        }
    }

    /** Sends datagrams of {@code sizes} from {@code a} in one batch and appends them to {@code expected}. */
    private static void sendBatch(
            NativeUdpSocket a, InetSocketAddress to, int seed, int[] sizes, List<Expected> expected)
            throws IOException {
        DatagramBatch out = a.newBatch(sizes.length, 2048);
        InetSocketAddress from = a.localAddress();
        for (int i = 0; i < sizes.length; i++) {
            byte[] p = UdpSegmentationTest.payload(seed + i, sizes[i]);
            out.buffer(i).clear().put(p).flip();
            out.destination(i, to);
            expected.add(new Expected(from, p));
        }
        assertThat(a.send(out, sizes.length)).isEqualTo(sizes.length);
    }

    /**
     * Receives until all of {@code expected} came, checking each slot in order; returns the slot
     * counts of the receive calls. The datagrams are queued before the first call, so a blocked
     * call means one went missing: the class timeout then fails the test instead of hanging the build.
     */
    private static int[] drain(NativeUdpSocket b, DatagramBatch in, List<Expected> expected) throws IOException {
        List<Integer> counts = new ArrayList<>();
        int k = 0;
        while (k < expected.size()) {
            int n = b.receive(in);
            assertThat(n).isBetween(1, in.capacity());
            counts.add(n);
            for (int i = 0; i < n; i++, k++) {
                assertThat(k).as("more datagrams than sent").isLessThan(expected.size());
                Expected e = expected.get(k);
                byte[] got = new byte[in.length(i)];
                in.buffer(i).get(0, got);
                if (!Arrays.equals(got, e.payload())) {
                    throw new AssertionError("datagram " + k + " (slot " + i + "): got " + got.length
                            + " bytes, expected " + e.payload().length + ", first difference at byte "
                            + Arrays.mismatch(got, e.payload()));
                }
                assertThat(in.source(i)).as("source of datagram %d", k).isEqualTo(e.from());
            }
        }
        return counts.stream().mapToInt(Integer::intValue).toArray();
    }

    private static InetAddress loopback(String host) throws IOException {
        if (host.contains(":")) {
            try (DatagramChannel c = DatagramChannel.open(StandardProtocolFamily.INET6)) {
                c.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
            } catch (IOException | UnsupportedOperationException e) {
                Assumptions.abort("no IPv6 loopback: " + e.getMessage());
            }
        }
        return InetAddress.getByName(host);
    }
}
