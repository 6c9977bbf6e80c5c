package dev.psk.tunnel.handshake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.tunnel.DropReason;
import dev.psk.tunnel.device.Device;
import dev.psk.tunnel.handshake.LoopbackEnds.Pair;
import dev.psk.tunnel.pad.PadFile;
import dev.psk.tunnel.testing.TestPads;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.InstantSource;
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

    final LoopbackEnds ends = new LoopbackEnds();
    final List<String> logA = new CopyOnWriteArrayList<>();
    final List<String> logB = new CopyOnWriteArrayList<>();
    java.time.Duration rekeyInterval = HandshakeWire.REKEY_AFTER;

    @AfterEach
    void tearDown() {
        ends.close();
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
        return ends.start(
                dir,
                new LoopbackEnds.Side("A", padA, config(mode, idA, trustA), logA, LoopbackEnds.plain(logA)),
                new LoopbackEnds.Side("B", padB, config(mode, idB, trustB), logB, LoopbackEnds.plain(logB)),
                rekeyInterval);
    }

    /** Keys from the end's own pad, no quotes. */
    static LoopbackEnds.ConfigFor config(HandshakeMode mode, LocalIdentity id, PeerTrust trust) {
        return pad -> new HandshakeConfig(
                mode, HandshakeKeys.fromPad(pad), id, trust, null, null, InstantSource.system(), new SecureRandom());
    }

    /** PSK mode: no identities, any peer trusted. */
    Pair pskPair(long padSeedA, long padSeedB) throws Exception {
        return pair(
                padSeedA,
                padSeedB,
                HandshakeMode.PSK,
                LocalIdentity.none(new byte[0]),
                LocalIdentity.none(new byte[0]),
                PeerTrust.any(),
                PeerTrust.any());
    }

    /** Signed mode on one pad; A pins B as "site-b", B trusts as {@code trustB} says. */
    Pair signedPair(long padSeed, HandshakeFixture.SoftIdentity ia, HandshakeFixture.SoftIdentity ib, PeerTrust trustB)
            throws Exception {
        return pair(
                padSeed, padSeed, HandshakeMode.SIGNED, ia, ib, new HandshakeFixture.Pins().pin(ib, "site-b"), trustB);
    }

    /** Traffic both ways every 10 ms while the keys change every second: nothing is lost. */
    @Test
    void rekeysUnderTrafficWithoutLosingPackets() throws Exception {
        rekeyInterval = java.time.Duration.ofSeconds(1);
        Pair p = pskPair(9, 9);
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
        Pair p = signedPair(11, idA, idB, trustB);
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
        Pair p = pskPair(7, 7);
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
        Pair p = signedPair(9, ia, ib, new HandshakeFixture.Pins().pin(ia, "site-a"));
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
        Pair p = pskPair(4, 4);
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
        Pair p = pskPair(1, 2);
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
        Pair p = signedPair(3, ia, ib, new HandshakeFixture.Pins().pin(ib, "only-b"));
        assertThat(waitFor(() -> logA.stream().anyMatch(l -> l.contains("refused us: identity is not pinned"))
                        && logB.stream().anyMatch(l -> l.contains("identity is not pinned"))))
                .isTrue();
        assertThat(p.b().peer().dataAllowed()).isFalse();
        assertThat(Files.exists(dir.resolve("B.state"))).isTrue();
    }
}
