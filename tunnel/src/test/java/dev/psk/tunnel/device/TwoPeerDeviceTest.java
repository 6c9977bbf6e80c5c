package dev.psk.tunnel.device;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.tunnel.DropReason;
import dev.psk.tunnel.crypto.AeadBackend;
import dev.psk.tunnel.pad.PadFile;
import dev.psk.tunnel.session.Psk2Session;
import dev.psk.tunnel.testing.MemoryTun;
import dev.psk.tunnel.testing.TestPads;
import dev.psk.tunnel.wire.Psk2Wire;
import dev.psk.tunnel.wire.Role;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two devices over loopback UDP with in-memory TUNs: traffic both ways, replayed and foreign
 * datagrams, the control hook, the data gate, and crash/restart cycles with every datagram on the
 * wire recorded by a relay to prove no (direction, sequence) is ever sent twice.
 */
class TwoPeerDeviceTest {
    private static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

    @TempDir
    Path dir;

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void tearDown() {
        for (AutoCloseable c : cleanup.reversed()) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    /** One tunnel end: its device, TUN, session and socket. */
    private record End(Device device, MemoryTun tun, Psk2Session session, Peer peer, InetSocketAddress local) {}

    private End end(Path pad, String name, Role role, InetSocketAddress remote) throws Exception {
        PadFile p = PadFile.open(pad);
        cleanup.add(p);
        Psk2Session s = Psk2Session.open(p, dir.resolve(name + ".json"), role, 4096, m -> {});
        UdpSocket sock = UdpSocket.bind(ANY_LOOPBACK, 1 << 20);
        MemoryTun tun = new MemoryTun(name, Psk2Wire.DEFAULT_MTU, 4096);
        Peer peer = new Peer("peer", s, remote, true);
        Device d = new Device(tun, sock, PeerDirectory.single(peer), AeadBackend.AUTO, m -> {});
        return new End(d, tun, s, peer, sock.localAddress());
    }

    private static byte[] packet(int i, int len) {
        byte[] p = new byte[len];
        p[0] = 0x45;
        ByteBuffer.wrap(p).putInt(4, i);
        return p;
    }

    @Test
    void trafficBothWaysThenReplayForeignControlAndGate() throws Exception {
        Path pad = TestPads.create(dir, "pad", 40, 11);
        End a = end(pad, "a", Role.INITIATOR, null);
        End b = end(pad, "b", Role.RESPONDER, a.local());
        a.peer().rebind(b.local());
        a.device().start();
        b.device().start();
        cleanup.add(a.device());
        cleanup.add(b.device());
        // In windows of 50 so the loopback socket buffer never overflows (UDP may drop, the test
        // wants every packet).
        for (int w = 0; w < 2000; w += 50) {
            for (int i = w; i < w + 50; i++) {
                a.tun().inject(packet(i, 20 + i % 1400));
            }
            for (int i = w; i < w + 50; i++) {
                byte[] got = b.tun().take(5000);
                assertThat(got).as("packet %d", i).isNotNull();
                assertThat(ByteBuffer.wrap(got).getInt(4)).isEqualTo(i);
                assertThat(got).hasSize(20 + i % 1400);
            }
        }
        b.tun().inject(packet(7, 60));
        assertThat(a.tun().take(5000)).isEqualTo(packet(7, 60));
        assertThat(a.peer().counters().txPackets()).isEqualTo(2000);
        assertThat(b.peer().counters().rxPackets()).isEqualTo(2000);

        // A datagram from an address that is not the peer's: dropped and counted.
        try (DatagramChannel stranger = DatagramChannel.open()) {
            stranger.bind(new InetSocketAddress("127.0.0.2", 0));
            byte[] pkt = new byte[80];
            ByteBuffer.wrap(pkt).putInt(0, Psk2Wire.MAGIC);
            stranger.send(ByteBuffer.wrap(pkt), b.local());
            // Not PSK2 and no handler: counted.
            stranger.send(ByteBuffer.wrap("HELO".getBytes()), b.local());
            awaitCount(() -> b.device().counters().drops(DropReason.UNKNOWN_PEER), 1);
            awaitCount(() -> b.device().counters().drops(DropReason.CONTROL_UNHANDLED), 1);

            AtomicInteger control = new AtomicInteger();
            b.device().setControlHandler((d, len, src, dev) -> {
                if (len == 4 && d.get(0) == 'H') {
                    control.incrementAndGet();
                }
            });
            stranger.send(ByteBuffer.wrap("HELO".getBytes()), b.local());
            awaitCount(control::get, 1);
        }

        b.peer().allowData(false);
        a.tun().inject(packet(1, 100));
        awaitCount(() -> b.peer().counters().drops(DropReason.GATED), 1);
        b.peer().allowData(true);
        a.tun().inject(packet(2, 100));
        assertThat(b.tun().take(5000)).isEqualTo(packet(2, 100));
    }

    @Test
    void replayedDatagramIsDroppedAndCounted() throws Exception {
        Path pad = TestPads.create(dir, "pad", 40, 12);
        End b = end(pad, "b", Role.RESPONDER, null);
        Relay relay = new Relay(b.local());
        cleanup.add(relay);
        End a = end(pad, "a", Role.INITIATOR, relay.address());
        b.peer().rebind(a.local());
        relay.start();
        a.device().start();
        b.device().start();
        cleanup.add(a.device());
        cleanup.add(b.device());
        a.tun().inject(packet(1, 64));
        assertThat(b.tun().take(5000)).isEqualTo(packet(1, 64));
        byte[] captured = relay.seen.peek();
        relay.send(captured); // the relay's IP is the peer's IP: only the replay window stops it
        awaitCount(() -> b.peer().counters().drops(DropReason.REPLAY), 1);
        assertThat(b.tun().take(200)).isNull();
    }

    @Test
    void killAndRestartCyclesNeverPutASequenceOnTheWireTwice() throws Exception {
        Path pad = TestPads.create(dir, "pad", 200, 13);
        Set<Long> wire = new HashSet<>();
        int delivered = 0;
        for (int cycle = 0; cycle < 5; cycle++) {
            End b = end(pad, "b", Role.RESPONDER, null);
            Relay relay = new Relay(b.local());
            End a = end(pad, "a", Role.INITIATOR, relay.address());
            b.peer().rebind(a.local());
            relay.start();
            a.device().start();
            b.device().start();
            for (int i = 0; i < 500 + cycle * 300; i++) {
                a.tun().inject(packet(i, 200));
            }
            Thread.sleep(50 + cycle * 20L); // then "kill -9" mid-stream
            a.device().haltForTesting();
            b.device().haltForTesting();
            a.session().crashForTesting();
            b.session().crashForTesting();
            relay.close();
            while (b.tun().take(0) != null) {
                delivered++;
            }
            for (byte[] d : relay.seen) {
                long seq = ByteBuffer.wrap(d).getLong(Psk2Wire.SEQ_OFFSET);
                assertThat(wire.add(seq))
                        .as("cycle %d: seq %d on the wire twice", cycle, seq)
                        .isTrue();
            }
            assertThat(b.peer().counters().drops(DropReason.REPLAY)).isZero();
        }
        assertThat(wire).isNotEmpty();
        assertThat(delivered).isPositive();
    }

    private static void awaitCount(java.util.function.LongSupplier v, long atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (v.getAsLong() < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(v.getAsLong()).isGreaterThanOrEqualTo(atLeast);
    }

    /** A UDP forwarder on 127.0.0.1 that records every datagram it passes on. */
    @SuppressWarnings("try") // resources held for their lifetime, closed by try
    private static final class Relay implements AutoCloseable {
        final ConcurrentLinkedQueue<byte[]> seen = new ConcurrentLinkedQueue<>();
        private final DatagramChannel ch;
        private final InetSocketAddress target;
        private Thread thread;

        Relay(InetSocketAddress target) throws java.io.IOException {
            this.target = target;
            this.ch = DatagramChannel.open();
            ch.bind(ANY_LOOPBACK);
        }

        InetSocketAddress address() throws java.io.IOException {
            return (InetSocketAddress) ch.getLocalAddress();
        }

        void start() {
            thread = Thread.ofPlatform().daemon(true).start(() -> {
                ByteBuffer b = ByteBuffer.allocate(65536);
                try {
                    while (true) {
                        b.clear();
                        ch.receive(b);
                        b.flip();
                        seen.add(Arrays.copyOf(b.array(), b.limit()));
                        ch.send(b, target);
                    }
                } catch (java.io.IOException e) {
                    // closed
                }
            });
        }

        void send(byte[] d) throws java.io.IOException {
            ch.send(ByteBuffer.wrap(d), target);
        }

        @Override
        public void close() throws Exception {
            ch.close();
            if (thread != null) {
                thread.join(2000);
            }
        }
    }
}
