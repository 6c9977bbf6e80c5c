package dev.psk.tunnel.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.tunnel.hub.HubFixtures.Client;
import dev.psk.tunnel.hub.HubFixtures.Keys;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The hub's acceptance checks end to end in one process (reachability, AllowedIPs, revocation,
 * unknown key, wrong PSK, replayed message 1, cookies under load).
 */
class HubEndToEndTest extends HubHarness {
    @Test
    void bothClientsReachTheHubAndEachOther() throws Exception {
        startHub(List.of(alice, bob), HubServer.Options.defaults());
        Running a = startClient(alice);
        Running b = startClient(bob);
        await(() -> a.client().connected() && b.client().connected() && hub.sessionCount() >= 2, 5000);
        byte[] toHub = Packets.ipv4("10.77.0.2", "10.77.0.1", 100);
        // The first data packet also confirms the session on the hub; wait for it.
        a.tun().inject(toHub);
        assertThat(hubTun.take(2000)).isEqualTo(toHub);
        b.tun().inject(Packets.ipv4("10.77.0.3", "10.77.0.1", 10));
        assertThat(hubTun.take(2000)).isNotNull();
        byte[] aToB = Packets.ipv4("10.77.0.2", "10.77.0.3", 300);
        a.tun().inject(aToB);
        assertThat(b.tun().take(2000)).isEqualTo(aToB);
        byte[] hubToA = Packets.ipv4("10.77.0.1", "10.77.0.2", 1400);
        hubTun.inject(hubToA);
        assertThat(a.tun().take(2000)).isEqualTo(hubToA);
        assertThat(hub.counters().forwarded.get()).isEqualTo(1);
    }

    @Test
    void spoofedInnerSourceIsDroppedAndCounted() throws Exception {
        startHub(List.of(alice, bob), HubServer.Options.defaults());
        Running a = startClient(alice);
        await(() -> a.client().connected(), 5000);
        a.tun().inject(Packets.ipv4("10.77.0.3", "10.77.0.1", 50));
        a.tun().inject(Packets.ipv4("10.77.0.99", "10.77.0.1", 50));
        await(() -> hub.counters().drops(HubDropReason.ALLOWED_IPS) == 2, 2000);
        assertThat(hubTun.take(200)).isNull();
        byte[] good = Packets.ipv4("10.77.0.2", "10.77.0.1", 50);
        a.tun().inject(good);
        assertThat(hubTun.take(2000)).isEqualTo(good);
    }

    @Test
    void revocationEndsTheLiveSessionAndRefusesTheNextHandshake() throws Exception {
        startHub(List.of(alice, bob), HubServer.Options.defaults());
        Running a = startClient(alice);
        Running b = startClient(bob);
        await(() -> a.client().connected() && b.client().connected(), 5000);
        b.tun().inject(Packets.ipv4("10.77.0.3", "10.77.0.1", 20));
        assertThat(hubTun.take(2000)).isNotNull();

        Client bobOff = new Client("bob", bob.keys(), bob.psk(), bob.address(), false);
        long t0 = System.nanoTime();
        hub.reload(config(List.of(alice, bobOff)));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
        assertThat(hub.sessionCount()).isEqualTo(1);

        b.tun().inject(Packets.ipv4("10.77.0.3", "10.77.0.1", 20));
        await(() -> hub.counters().drops(HubDropReason.UNKNOWN_RECEIVER) >= 1, 2000);
        byte[] fromA = Packets.ipv4("10.77.0.2", "10.77.0.1", 20);
        a.tun().inject(fromA);
        assertThat(hubTun.take(2000)).isEqualTo(fromA);
        assertThat(hubTun.take(100)).isNull();
        // The hub cannot reach bob either.
        hubTun.inject(Packets.ipv4("10.77.0.1", "10.77.0.3", 20));
        await(() -> hub.counters().drops(HubDropReason.NO_ROUTE) >= 1, 2000);

        b.client().initiate();
        await(() -> hub.counters().drops(HubDropReason.DISABLED_KEY) >= 1, 2000);
        assertThat(hub.sessionCount()).isEqualTo(1);

        // Removing the entry altogether refuses the key as unknown.
        hub.reload(config(List.of(alice)));
        b.client().initiate();
        await(() -> hub.counters().drops(HubDropReason.UNKNOWN_KEY) >= 1, 2000);
        assertThat(hub.sessionCount()).isEqualTo(1);
    }

    @Test
    void unknownKeyIsRefusedAtMessage1() throws Exception {
        startHub(List.of(alice), HubServer.Options.defaults());
        Running m = startClient(new Client("mallory", Keys.generate(), HubFixtures.psk(), "10.77.0.9", true));
        await(() -> hub.counters().drops(HubDropReason.UNKNOWN_KEY) >= 1, 3000);
        assertThat(m.client().connected()).isFalse();
        assertThat(hub.sessionCount()).isZero();
        assertThat(hub.counters().handshakesCompleted.get()).isZero();
    }

    @Test
    void wrongPskNeverYieldsASession() throws Exception {
        startHub(List.of(alice), HubServer.Options.defaults());
        Running a = startClient(new Client("alice", alice.keys(), HubFixtures.psk(), alice.address(), true));
        await(() -> a.client().counters().drops(HubDropReason.HANDSHAKE_FAILED) >= 1, 3000);
        assertThat(a.client().connected()).isFalse();
        // The hub's half-made session is never confirmed: it has nowhere to send.
        hubTun.inject(Packets.ipv4("10.77.0.1", "10.77.0.2", 20));
        await(() -> hub.counters().drops(HubDropReason.NO_SESSION) >= 1, 2000);
    }

    @Test
    void replayedMessage1IsRefused() throws Exception {
        startHub(List.of(alice), HubServer.Options.defaults());
        byte[] msg1 = message1(alice, hubKeys, 7);
        try (DatagramChannel raw = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", port);
            raw.send(ByteBuffer.wrap(msg1), to);
            await(() -> hub.counters().handshakesCompleted.get() == 1, 3000);
            raw.send(ByteBuffer.wrap(msg1), to);
            await(() -> hub.counters().drops(HubDropReason.REPLAYED_INITIATION) == 1, 3000);
            assertThat(hub.counters().handshakesCompleted.get()).isEqualTo(1);
        }
    }

    @Test
    void underLoadTheHubAnswersWithCookiesAndStillServesClients() throws Exception {
        startHub(List.of(alice, bob), new HubServer.Options(1, 1, true, 100, 20));
        Running a = startClient(alice);
        await(() -> a.client().connected(), 5000);
        assertThat(hub.counters().drops(HubDropReason.COOKIE_SENT)).isGreaterThanOrEqualTo(1);

        // A flood of valid-mac1 initiations from one address (bounded: 2000 messages) gets cookie replies only.
        byte[] flood = message1(bob, hubKeys, 9);
        int replies = 0;
        try (DatagramChannel raw = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.2", 0))) {
            raw.configureBlocking(false);
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", port);
            ByteBuffer rb = ByteBuffer.allocate(256);
            for (int i = 0; i < 2000; i++) {
                raw.send(ByteBuffer.wrap(flood), to);
                rb.clear();
                if (raw.receive(rb) != null && rb.position() == HubWire.COOKIE_REPLY_BYTES) {
                    replies++;
                }
            }
            long end = System.nanoTime() + 1_000_000_000L;
            while (System.nanoTime() < end) {
                rb.clear();
                if (raw.receive(rb) != null && rb.position() == HubWire.COOKIE_REPLY_BYTES) {
                    replies++;
                }
            }
        }
        assertThat(replies).isGreaterThan(100);
        assertThat(hub.counters().handshakesCompleted.get()).isEqualTo(1);
        assertThat(hub.counters().drops(HubDropReason.COOKIE_SENT)).isGreaterThan(100);
        Running b = startClient(bob);
        await(() -> b.client().connected(), 5000);
        byte[] p = Packets.ipv4("10.77.0.3", "10.77.0.2", 40);
        b.tun().inject(p);
        assertThat(a.tun().take(2000)).isEqualTo(p);
    }

    @Test
    void aFloodFromOneSourcePutsTheHubUnderLoadAndGetsCookiesWhileOthersConnect() throws Exception {
        // WireGuard's order: not under load, every mac1-valid message 1 is queued; the backlog
        // (over 16 here) puts the hub under load, from then on the flood, without mac2, gets
        // cookie replies and costs no DH.
        startHub(List.of(alice, bob), new HubServer.Options(1, 16, false, 20, 5));
        byte[] flood = message1(bob, hubKeys, 11);
        int replies = 0;
        try (DatagramChannel raw = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.2", 0))) {
            raw.configureBlocking(false);
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", port);
            ByteBuffer rb = ByteBuffer.allocate(256);
            for (int i = 0; i < 500; i++) {
                raw.send(ByteBuffer.wrap(flood), to);
                rb.clear();
                if (raw.receive(rb) != null && rb.position() == HubWire.COOKIE_REPLY_BYTES) {
                    replies++;
                }
            }
            long end = System.nanoTime() + 1_000_000_000L;
            while (System.nanoTime() < end) {
                rb.clear();
                if (raw.receive(rb) != null && rb.position() == HubWire.COOKIE_REPLY_BYTES) {
                    replies++;
                }
            }
        }
        Running a = startClient(alice);
        awaitOr(() -> a.client().connected(), 15000, () -> hub.counters().toString());
        assertThat(replies).isGreaterThan(0);
        assertThat(hub.counters().drops(HubDropReason.COOKIE_SENT)).isGreaterThan(100);
        assertThat(hub.counters().drops(HubDropReason.REPLAYED_INITIATION)).isLessThan(400);
    }
}
