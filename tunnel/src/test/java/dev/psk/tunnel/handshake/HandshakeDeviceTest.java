package dev.psk.tunnel.handshake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.tunnel.DropReason;
import dev.psk.tunnel.crypto.AeadBackend;
import dev.psk.tunnel.device.Device;
import dev.psk.tunnel.device.Peer;
import dev.psk.tunnel.device.PeerDirectory;
import dev.psk.tunnel.device.UdpSocket;
import dev.psk.tunnel.pad.PadFile;
import dev.psk.tunnel.session.Psk2Session;
import dev.psk.tunnel.session.SessionKeyring;
import dev.psk.tunnel.testing.MemoryTun;
import dev.psk.tunnel.testing.TestPads;
import dev.psk.tunnel.wire.Role;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The handshake wired into two real {@link Device}s over loopback UDP (in-memory TUN), with a
 * recording relay between them: the data gate, binding, signed identities, pad mismatch, and
 * replay of captured handshake datagrams from another address.
 */
class HandshakeDeviceTest {
    @TempDir
    Path dir;

    final List<AutoCloseable> open = new ArrayList<>();
    final List<String> logA = new CopyOnWriteArrayList<>();
    final List<String> logB = new CopyOnWriteArrayList<>();
    java.time.Duration rekeyInterval = HandshakeWire.REKEY_AFTER;

    @AfterEach
    void tearDown() throws Exception {
        Collections.reverse(open);
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

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

    record End(
            Device device,
            Peer peer,
            HandshakeService hs,
            MemoryTun tun,
            InetSocketAddress addr,
            Psk2Session session) {}

    End end(
            String name,
            Path pad,
            Role role,
            InetSocketAddress remote,
            LocalIdentity id,
            PeerTrust trust,
            HandshakeMode mode,
            List<String> log)
            throws Exception {
        PadFile p = PadFile.open(pad);
        SessionKeyring keyring = new SessionKeyring(role == Role.INITIATOR, HandshakeWire.KEY_GRACE.toNanos());
        Psk2Session session = Psk2Session.open(p, dir.resolve(name + ".state"), role, 4096, keyring, log::add);
        Peer peer = new Peer(name + "-peer", session, remote, false);
        MemoryTun tun = new MemoryTun("mt" + name, 1400, 64);
        UdpSocket sock = UdpSocket.bind(new InetSocketAddress("127.0.0.1", 0), 1 << 20);
        Device dev = new Device(tun, sock, PeerDirectory.single(peer), AeadBackend.JCE, log::add);
        HandshakeConfig cfg = new HandshakeConfig(
                mode, HandshakeKeys.fromPad(p), id, trust, null, null, InstantSource.system(), new SecureRandom());
        HandshakeService hs = new HandshakeService(cfg, peer, role == Role.INITIATOR ? remote : null, keyring, log::add)
                .rekeyInterval(rekeyInterval);
        open.add(dev);
        open.add(hs);
        return new End(dev, peer, hs, tun, sock.localAddress(), session);
    }

    static byte[] ipPacket(int marker) {
        byte[] p = new byte[60];
        p[0] = 0x45;
        p[3] = 60;
        p[9] = 17;
        p[40] = (byte) marker;
        return p;
    }

    static boolean waitFor(java.util.function.BooleanSupplier c) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (c.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return c.getAsBoolean();
    }

    record Pair(End a, End b, Relay relay) {}

    Pair pair(
            long padSeedA,
            long padSeedB,
            HandshakeMode mode,
            LocalIdentity idA,
            LocalIdentity idB,
            PeerTrust trustA,
            PeerTrust trustB)
            throws Exception {
        Path padA = TestPads.create(dir, "padA", 50, padSeedA);
        Path padB = TestPads.create(dir, "padB", 50, padSeedB);
        Relay relay = new Relay();
        open.add(relay);
        End b = end("B", padB, Role.RESPONDER, relay.address(), idB, trustB, mode, logB);
        End a = end("A", padA, Role.INITIATOR, relay.address(), idA, trustA, mode, logA);
        relay.a = a.addr();
        relay.b = b.addr();
        b.device().start();
        b.hs().start(b.device());
        a.device().start();
        a.hs().start(a.device());
        return new Pair(a, b, relay);
    }

    /** Traffic both ways every 10 ms while the keys change every second: nothing is lost. */
    @Test
    void rekeysUnderTrafficWithoutLosingPackets() throws Exception {
        rekeyInterval = java.time.Duration.ofSeconds(1);
        Pair p = pair(
                9,
                9,
                HandshakeMode.PSK,
                LocalIdentity.none(new byte[0]),
                LocalIdentity.none(new byte[0]),
                PeerTrust.any(),
                PeerTrust.any());
        assertThat(waitFor(() -> p.b().peer().dataAllowed() && p.a().peer().dataAllowed()))
                .isTrue();
        int sent = 0, gotB = 0, gotA = 0;
        long end = System.nanoTime() + 4_500_000_000L;
        while (System.nanoTime() < end) {
            p.a().tun().inject(ipPacket(sent & 0x7f));
            p.b().tun().inject(ipPacket(sent & 0x7f));
            sent++;
            Thread.sleep(10);
            while (p.b().tun().take(0) != null) {
                gotB++;
            }
            while (p.a().tun().take(0) != null) {
                gotA++;
            }
        }
        Thread.sleep(300);
        while (p.b().tun().take(0) != null) {
            gotB++;
        }
        while (p.a().tun().take(0) != null) {
            gotA++;
        }
        long rekeys = logB.stream()
                .filter(l -> l.startsWith("handshake: rekeyed with"))
                .count();
        assertThat(rekeys).as("rekeys in 4.5 s at 1 s: %s", logB).isGreaterThanOrEqualTo(3);
        assertThat(p.a().session().keyring().switches()).isGreaterThanOrEqualTo(4);
        assertThat(gotB).as("A->B delivered of %d", sent).isEqualTo(sent);
        assertThat(gotA).as("B->A delivered of %d", sent).isEqualTo(sent);
    }

    /** Disabling the peer's pin in the watched peers file cuts its data within a second. */
    @Test
    void disablingThePinCutsDataWithinOneSecond() throws Exception {
        HandshakeFixture.SoftIdentity idA = new HandshakeFixture.SoftIdentity();
        HandshakeFixture.SoftIdentity idB = new HandshakeFixture.SoftIdentity();
        Path peersAtB = dir.resolve("peers-at-b");
        Files.writeString(peersAtB, pinFile("site-a", idA, true));
        ReloadingPeerTrust trustB = ReloadingPeerTrust.load(peersAtB, null);
        HandshakeFixture.Pins trustA = new HandshakeFixture.Pins().pin(idB.id, idB.pair.getPublic(), true, "site-b");
        Pair p = pair(11, 11, HandshakeMode.SIGNED, idA, idB, trustA, trustB);
        assertThat(waitFor(() -> p.b().peer().dataAllowed() && p.a().peer().dataAllowed()))
                .isTrue();
        p.a().tun().inject(ipPacket(1));
        assertThat(p.b().tun().take(3000)).isNotNull();
        Files.writeString(peersAtB, pinFile("site-a", idA, false));
        long t0 = System.nanoTime();
        assertThat(waitFor(() -> !p.b().peer().dataAllowed())).isTrue();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).as("gate closed after %d ms", ms).isLessThan(1000);
        assertThat(p.b().session().keyring().tx()).isNull();
        assertThat(logB).anyMatch(l -> l.contains("is now disabled in " + peersAtB) && l.contains("data stopped"));
        p.a().tun().inject(ipPacket(2));
        assertThat(p.b().tun().take(500)).isNull();
        // B asks A to handshake again (REKEY); that handshake is refused, with the reason on both ends.
        assertThat(waitFor(
                        () -> logA.stream().anyMatch(l -> l.contains("refused us: identity is pinned but disabled"))))
                .as("%s", logA)
                .isTrue();
        assertThat(waitFor(() -> logB.stream().anyMatch(l -> l.contains("(site-a): identity is pinned but disabled"))))
                .isTrue();
    }

    static String pinFile(String name, HandshakeFixture.SoftIdentity id, boolean enabled) {
        return "[peer " + name + "]\nidentity_id = " + dev.psk.common.Hex.encode(id.id) + "\nenabled = " + enabled
                + "\n-----BEGIN PUBLIC KEY-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes())
                        .encodeToString(id.pair.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    @Test
    void keysComeFromTheControlSlotAndMatchThePadFingerprint() throws Exception {
        try (PadFile p = PadFile.open(TestPads.create(dir, "fp", 10, 5))) {
            assertThat(HandshakeKeys.fromPad(p).padFingerprint()).isEqualTo(p.fingerprint());
        }
    }

    @Test
    void dataFlowsOnlyAfterThePskHandshake() throws Exception {
        Pair p = pair(
                7,
                7,
                HandshakeMode.PSK,
                LocalIdentity.none(new byte[0]),
                LocalIdentity.none(new byte[0]),
                PeerTrust.any(),
                PeerTrust.any());
        assertThat(waitFor(() -> p.b().peer().dataAllowed() && p.a().peer().dataAllowed()))
                .isTrue();
        p.a().tun().inject(ipPacket(42));
        byte[] got = p.b().tun().take(3000);
        assertThat(got).isNotNull();
        assertThat(got[40]).isEqualTo((byte) 42);
        String relayAddr = HandshakeService.addr(p.relay().address());
        assertThat(logB).anyMatch(l -> l.startsWith("handshake: established with " + relayAddr));
        assertThat(p.b().hs().boundEndpoint()).isEqualTo(p.relay().address());
    }

    @Test
    void signedIdentitiesBindAndReplayFromAnotherAddressChangesNothing() throws Exception {
        HandshakeFixture.SoftIdentity ia = new HandshakeFixture.SoftIdentity();
        HandshakeFixture.SoftIdentity ib = new HandshakeFixture.SoftIdentity();
        Pair p = pair(
                9,
                9,
                HandshakeMode.SIGNED,
                ia,
                ib,
                new HandshakeFixture.Pins().pin(ib.id, ib.pair.getPublic(), true, "site-b"),
                new HandshakeFixture.Pins().pin(ia.id, ia.pair.getPublic(), true, "site-a"));
        assertThat(waitFor(() ->
                        p.b().peer().dataAllowed() && p.b().hs().counters().completed() == 1))
                .isTrue();
        assertThat(waitFor(() -> p.a().hs().counters().completed() == 1))
                .as("A counts its handshake on B's first packet under the key")
                .isTrue();
        assertThat(p.b().hs().boundIdentity()).isEqualTo(ia.id);
        // the pinned-peers file's name, which psk-tunnel show prints for the peer
        assertThat(p.b().hs().boundName()).isEqualTo("site-a");
        assertThat(waitFor(() -> "site-b".equals(p.a().hs().boundName()))).isTrue();
        InetSocketAddress bound = p.b().hs().boundEndpoint();
        InetSocketAddress endpointBefore = p.b().peer().endpoint();
        long completedB = p.b().hs().counters().completed();
        long completedA = p.a().hs().counters().completed();
        byte[] hello = p.relay().ofType(HandshakeWire.TYPE_HELLO).getFirst();
        byte[] welcome = p.relay().ofType(HandshakeWire.TYPE_WELCOME).getFirst();
        byte[] confirm = p.relay().ofType(HandshakeWire.TYPE_CONFIRM).getFirst();
        try (DatagramChannel evil = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.2", 0))) {
            for (byte[] d : List.of(hello, confirm, welcome)) {
                evil.send(ByteBuffer.wrap(d), p.b().addr());
                evil.send(ByteBuffer.wrap(d), p.a().addr());
            }
            Thread.sleep(500);
        }
        assertThat(p.b().hs().boundEndpoint()).isEqualTo(bound);
        assertThat(p.b().peer().endpoint()).isEqualTo(endpointBefore);
        assertThat(p.b().hs().counters().completed()).isEqualTo(completedB);
        assertThat(p.a().hs().counters().completed()).isEqualTo(completedA);
        assertThat(p.b().hs().counters().drops(HandshakeDrop.NO_MATCHING_HANDSHAKE))
                .isPositive();
        assertThat(p.a().hs().counters().drops(HandshakeDrop.WRONG_ROLE)
                        + p.a().hs().counters().drops(HandshakeDrop.NO_MATCHING_HANDSHAKE))
                .isPositive();
        // Data still flows between the bound ends.
        p.a().tun().inject(ipPacket(7));
        assertThat(p.b().tun().take(3000)).isNotNull();
    }

    @Test
    void forgedHandshakeDatagramsAreDroppedOnTheReceiveThreadAndCounted() throws Exception {
        Pair p = pair(
                4,
                4,
                HandshakeMode.PSK,
                LocalIdentity.none(new byte[0]),
                LocalIdentity.none(new byte[0]),
                PeerTrust.any(),
                PeerTrust.any());
        assertThat(waitFor(() -> p.b().hs().counters().completed() == 1)).isTrue();
        byte[] hello = p.relay().ofType(HandshakeWire.TYPE_HELLO).getFirst().clone();
        hello[HandshakeWire.HELLO_OFF_NONCE_I] ^= 1;
        try (DatagramChannel evil = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.2", 0))) {
            for (int i = 0; i < 50; i++) {
                evil.send(ByteBuffer.wrap(hello), p.b().addr());
            }
        }
        assertThat(waitFor(() -> p.b().hs().counters().drops(HandshakeDrop.BAD_MAC) == 50))
                .isTrue();
        assertThat(p.b().hs().counters().completed()).isEqualTo(1);
        assertThat(p.b().hs().boundEndpoint()).isEqualTo(p.relay().address());
    }

    @Test
    void differentPadIsNamedOnBothSidesAndNoDataFlows() throws Exception {
        Pair p = pair(
                1,
                2,
                HandshakeMode.PSK,
                LocalIdentity.none(new byte[0]),
                LocalIdentity.none(new byte[0]),
                PeerTrust.any(),
                PeerTrust.any());
        assertThat(waitFor(() -> logA.stream().anyMatch(l -> l.contains("uses a different pad"))
                        && logB.stream().anyMatch(l -> l.contains("uses a different pad"))))
                .isTrue();
        assertThat(p.b().peer().dataAllowed()).isFalse();
        assertThat(p.a().peer().dataAllowed()).isFalse();
        p.a().tun().inject(ipPacket(1));
        assertThat(waitFor(() -> p.a().peer().counters().drops(DropReason.GATED) > 0))
                .isTrue();
    }

    @Test
    void unpinnedInitiatorIsRefusedWithReasonInBothLogs() throws Exception {
        HandshakeFixture.SoftIdentity ia = new HandshakeFixture.SoftIdentity();
        HandshakeFixture.SoftIdentity ib = new HandshakeFixture.SoftIdentity();
        Pair p = pair(
                3,
                3,
                HandshakeMode.SIGNED,
                ia,
                ib,
                new HandshakeFixture.Pins().pin(ib.id, ib.pair.getPublic(), true, "site-b"),
                new HandshakeFixture.Pins().pin(ib.id, ib.pair.getPublic(), true, "only-b"));
        assertThat(waitFor(() -> logA.stream().anyMatch(l -> l.contains("refused us: identity is not pinned"))
                        && logB.stream().anyMatch(l -> l.contains("identity is not pinned"))))
                .isTrue();
        assertThat(p.b().peer().dataAllowed()).isFalse();
        assertThat(Files.exists(dir.resolve("B.state"))).isTrue();
    }
}
