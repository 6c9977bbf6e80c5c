package dev.psk.tunnel.handshake;

import dev.psk.common.log.LogSink;
import dev.psk.tunnel.crypto.AeadBackend;
import dev.psk.tunnel.device.Device;
import dev.psk.tunnel.device.Peer;
import dev.psk.tunnel.device.PeerDirectory;
import dev.psk.tunnel.device.UdpSocket;
import dev.psk.tunnel.pad.PadFile;
import dev.psk.tunnel.session.Psk2Session;
import dev.psk.tunnel.session.SessionKeyring;
import dev.psk.tunnel.testing.MemoryTun;
import dev.psk.tunnel.wire.Role;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Two handshake ends on real {@link Device}s over loopback UDP (in-memory TUN), joined by a
 * recording {@link Relay}: A initiates to the relay, B responds. The test chooses each end's pad,
 * handshake configuration and log; this fixture owns the sockets and threads and closes them all,
 * newest first, in {@link #close()}.
 */
final class LoopbackEnds implements AutoCloseable {
    private final List<AutoCloseable> open = new ArrayList<>();

    /** Forwards between A and B, records every datagram. */
    @SuppressWarnings("try") // resources held for their lifetime, closed by try
    static final class Relay implements AutoCloseable {
        final DatagramChannel ch;
        final List<byte[]> seen = new CopyOnWriteArrayList<>();
        volatile InetSocketAddress a;
        volatile InetSocketAddress b;
        final Thread t;

        Relay() throws Exception {
            ch = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
            t = Thread.ofPlatform().daemon(true).start(() -> {
                ByteBuffer buf = ByteBuffer.allocate(65536);
                try {
                    while (true) {
                        buf.clear();
                        InetSocketAddress from = (InetSocketAddress) ch.receive(buf);
                        buf.flip();
                        byte[] d = new byte[buf.remaining()];
                        buf.get(d);
                        seen.add(d);
                        ch.send(ByteBuffer.wrap(d), from.equals(a) ? b : a);
                    }
                } catch (Exception e) {
                    // closed
                }
            });
        }

        InetSocketAddress address() throws Exception {
            return (InetSocketAddress) ch.getLocalAddress();
        }

        List<byte[]> ofType(byte type) {
            return seen.stream()
                    .filter(d -> d.length > 5 && d[0] == 'P' && d[3] == 'H' && d[HandshakeWire.OFF_TYPE] == type)
                    .toList();
        }

        @Override
        public void close() throws Exception {
            ch.close();
        }
    }

    /** An end's handshake configuration, made from its opened pad. */
    @FunctionalInterface
    interface ConfigFor {
        HandshakeConfig of(PadFile pad) throws Exception;
    }

    /**
     * One end as the test wants it: {@code name} names its session state file ({@code name.state}
     * in the test's directory), {@code config} builds its handshake configuration from its opened
     * pad, the device and session write to {@code log} and the handshake to {@code handshakeLog}.
     */
    record Side(String name, Path pad, ConfigFor config, List<String> log, LogSink handshakeLog) {}

    record End(
            Device device,
            Peer peer,
            HandshakeService hs,
            MemoryTun tun,
            InetSocketAddress addr,
            Psk2Session session) {}

    record Pair(End a, End b, Relay relay) {}

    /** Handshake lines as they are, without their severity. */
    static LogSink plain(List<String> log) {
        return LogSink.of(log::add);
    }

    /** Handshake lines prefixed with their severity ("WARNING handshake: ..."). */
    static LogSink withSeverity(List<String> log) {
        return (s, m) -> log.add(s + " " + m);
    }

    /** Builds both ends and the relay in {@code dir}, then starts B (the responder) before A. */
    Pair start(Path dir, Side a, Side b, Duration rekeyInterval) throws Exception {
        Relay relay = new Relay();
        open.add(relay);
        End endB = end(dir, b, Role.RESPONDER, relay.address(), rekeyInterval);
        End endA = end(dir, a, Role.INITIATOR, relay.address(), rekeyInterval);
        relay.a = endA.addr();
        relay.b = endB.addr();
        endB.device().start();
        endB.hs().start(endB.device());
        endA.device().start();
        endA.hs().start(endA.device());
        return new Pair(endA, endB, relay);
    }

    private End end(Path dir, Side side, Role role, InetSocketAddress remote, Duration rekeyInterval) throws Exception {
        PadFile p = PadFile.open(side.pad());
        SessionKeyring keyring = new SessionKeyring(role == Role.INITIATOR, HandshakeWire.KEY_GRACE.toNanos());
        Psk2Session session =
                Psk2Session.open(p, dir.resolve(side.name() + ".state"), role, 4096, keyring, side.log()::add);
        Peer peer = new Peer(side.name() + "-peer", session, remote, false);
        MemoryTun tun = new MemoryTun("mt" + side.name(), 1400, 64);
        UdpSocket sock = UdpSocket.bind(new InetSocketAddress("127.0.0.1", 0), 1 << 20);
        Device dev = new Device(tun, sock, PeerDirectory.single(peer), AeadBackend.JCE, side.log()::add);
        HandshakeService hs = HandshakeService.leveled(
                        side.config().of(p), peer, role == Role.INITIATOR ? remote : null, keyring, side.handshakeLog())
                .rekeyInterval(rekeyInterval);
        open.add(dev);
        open.add(hs);
        return new End(dev, peer, hs, tun, sock.localAddress(), session);
    }

    /** Closes everything started, newest first; a failure to close one does not keep the others open. */
    @Override
    public void close() {
        Collections.reverse(open);
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
        open.clear();
    }
}
