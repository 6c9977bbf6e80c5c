package dev.psk.tunnel.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.tunnel.device.UdpSocket;
import dev.psk.tunnel.hub.HubFixtures.Client;
import dev.psk.tunnel.hub.HubFixtures.Keys;
import dev.psk.tunnel.noise.NoiseLimits;
import dev.psk.tunnel.testing.MemoryTun;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The attacks of issue #13, each run against the real {@link HubServer} and {@link HubClient} over
 * loopback: each test fails on the code before the fix (noted per test) and passes after.
 */
class HubAttackTest extends HubHarness {
    /**
     * A 2,000/s flood of mac1-valid message 1s from the client's own address (no mac2: the
     * attacker cannot receive cookies there) while the hub is under load. Before: the flood spent
     * the per-source budget first and the client, cookie and all, was refused as rate_limited_source.
     */
    @Test
    void spoofedFloodFromTheClientsAddressDoesNotLockOutItsCookie() throws Exception {
        startHub(List.of(alice), new HubServer.Options(2, 1024, true, 100, 20));
        Client stranger = new Client("stranger", Keys.generate(), HubFixtures.psk(), "10.77.0.50", true);
        byte[] flood = message1(stranger, hubKeys, 7);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong sent = new AtomicLong();
        Thread flooder = Thread.ofPlatform().daemon().start(() -> {
            try (DatagramChannel ch = DatagramChannel.open()) {
                ch.bind(new InetSocketAddress("127.0.0.1", 0));
                InetSocketAddress to = new InetSocketAddress("127.0.0.1", port);
                long next = System.nanoTime();
                while (!stop.get()) {
                    ch.send(ByteBuffer.wrap(flood), to);
                    sent.incrementAndGet();
                    next += 500_000; // 2,000 per second
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
            } catch (Exception e) {
                // test over
            }
        });
        try {
            await(() -> sent.get() > 200, 3000);
            Running a = startClient(alice);
            awaitOr(
                    () -> a.client().connected(),
                    15000,
                    () -> "hub " + hub.counters() + " client " + a.client().counters());
            int handshakes = 10;
            for (int i = 1; i <= handshakes; i++) {
                long before = hub.counters().handshakesCompleted.get();
                a.client().initiate();
                await(() -> hub.counters().handshakesCompleted.get() > before, 3000);
            }
            assertThat(hub.counters().drops(HubDropReason.COOKIE_SENT))
                    .as("the flood was answered with cookies, not handshakes")
                    .isGreaterThan(100);
        } finally {
            stop.set(true);
            flooder.join(2000);
        }
    }

    /**
     * Replays of a captured message 1 spend nothing of the client's per-key budget. The hub's
     * clock is frozen so no bucket refills: one genuine initiation, 30 replays, then the rest of
     * the burst must still be admitted. Before: the replays were charged before the timestamp
     * check and the genuine ones that followed were refused as rate_limited_key.
     */
    @Test
    void replayedMessage1DoesNotSpendTheClientsBudget() throws Exception {
        long frozen = System.nanoTime();
        UdpSocket sock = socket();
        port = sock.localAddress().getPort();
        hubTun = MemoryTun.forwarding("hub", "10.77.0.1");
        hub = new HubServer(config(List.of(alice)), hubTun, sock, HubServer.Options.defaults(), () -> frozen);
        open.add(hub);
        hub.start();
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.bind(new InetSocketAddress("127.0.0.1", 0));
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", port);
            byte[] captured = message1(alice, hubKeys, 1);
            ch.send(ByteBuffer.wrap(captured), to);
            await(() -> hub.counters().handshakesCompleted.get() == 1, 3000);
            for (int i = 0; i < 30; i++) {
                ch.send(ByteBuffer.wrap(captured), to);
            }
            await(() -> hub.counters().drops(HubDropReason.REPLAYED_INITIATION) == 30, 5000);
            int fresh = NoiseLimits.INITIATIONS_BURST - 1;
            for (int i = 0; i < fresh; i++) {
                // One at a time: workers run in parallel, and an older timestamp accepted after a
                // newer one would (rightly) be refused as a replay.
                Thread.sleep(2); // TAI64N labels have millisecond resolution
                ch.send(ByteBuffer.wrap(message1(alice, hubKeys, 2 + i)), to);
                long done = 2 + i;
                await(() -> hub.counters().handshakesCompleted.get() == done, 3000);
            }
            assertThat(hub.counters().drops(HubDropReason.RATE_LIMITED_KEY)).isZero();
        }
    }

    /**
     * An observer forges cookie replies (it needs only the hub's public key and the mac1 it saw)
     * to every message 1 of a client. Before: each reply triggered an immediate new message 1, so
     * the client sent thousands a second; now the cookie waits for the retransmission timer.
     */
    @Test
    void forgedCookieRepliesDoNotDriveTheClientToFlood() throws Exception {
        try (DatagramChannel fakeHub = DatagramChannel.open()) {
            fakeHub.bind(new InetSocketAddress("127.0.0.1", 0));
            port = ((InetSocketAddress) fakeHub.getLocalAddress()).getPort();
            Running a = startClient(alice);
            CookieChecker forger = new CookieChecker(hubKeys.pub());
            ByteBuffer in = ByteBuffer.allocate(HubWire.MAX_DATAGRAM_BYTES);
            byte[] reply = new byte[HubWire.COOKIE_REPLY_BYTES];
            fakeHub.configureBlocking(false);
            long end = System.nanoTime() + 2_000_000_000L;
            long forged = 0;
            while (System.nanoTime() < end) {
                in.clear();
                InetSocketAddress from = (InetSocketAddress) fakeHub.receive(in);
                if (from == null) {
                    Thread.sleep(1);
                    continue;
                }
                byte[] m = java.util.Arrays.copyOf(in.array(), in.position());
                if (m[0] != HubWire.TYPE_INITIATION) {
                    continue;
                }
                for (int i = 0; i < 20; i++) {
                    int n = forger.writeCookieReply(
                            m, m.length, HubWire.getIntLE(m, HubWire.INIT_SENDER_OFFSET), from, reply);
                    fakeHub.send(ByteBuffer.wrap(reply, 0, n), from);
                    forged++;
                }
            }
            long f = forged;
            await(() -> a.client().counters().cookiesReceived.get() > 0, 1000);
            // 2 s at a 300 ms retransmission timer (plus jitter): about 7 message 1s.
            assertThat(a.client().counters().initiationsSent.get()).isBetween(1L, 10L);
            assertThat(f).isGreaterThanOrEqualTo(20);
        }
    }

    /**
     * An on-path attacker answers each message 1 with a forged message 2 (right receiver index,
     * right mac1: both public) just before the hub's genuine one. Before: the forged one wiped the
     * pending handshake and the genuine one was dropped, every time; now the client connects on
     * its first message 1.
     */
    @Test
    void forgedMessage2DoesNotCancelThePendingHandshake() throws Exception {
        startHub(List.of(alice), HubServer.Options.defaults());
        int hubPort = port;
        try (DatagramChannel proxy = DatagramChannel.open()) {
            proxy.bind(new InetSocketAddress("127.0.0.1", 0));
            InetSocketAddress hubAddr = new InetSocketAddress("127.0.0.1", hubPort);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong forgedSent = new AtomicLong();
            MacKeys clientMacs = new MacKeys(alice.keys().pub());
            Thread relay = Thread.ofPlatform().daemon().start(() -> {
                ByteBuffer in = ByteBuffer.allocate(HubWire.MAX_DATAGRAM_BYTES);
                InetSocketAddress client = null;
                try {
                    while (!stop.get()) {
                        in.clear();
                        InetSocketAddress from = (InetSocketAddress) proxy.receive(in);
                        in.flip();
                        if (from.getPort() != hubPort) {
                            client = from;
                            proxy.send(in, hubAddr);
                            continue;
                        }
                        if (client == null) {
                            continue;
                        }
                        if (in.get(0) == HubWire.TYPE_RESPONSE) {
                            byte[] forged = new byte[HubWire.RESPONSE_BYTES];
                            new java.security.SecureRandom().nextBytes(forged);
                            forged[0] = HubWire.TYPE_RESPONSE;
                            forged[1] = forged[2] = forged[3] = 0;
                            HubWire.putIntLE(
                                    forged,
                                    HubWire.RESP_RECEIVER_OFFSET,
                                    HubWire.getIntLE(in, HubWire.RESP_RECEIVER_OFFSET));
                            clientMacs.writeMac1(forged, forged.length);
                            java.util.Arrays.fill(forged, HubWire.mac2Offset(forged.length), forged.length, (byte) 0);
                            proxy.send(ByteBuffer.wrap(forged), client);
                            forgedSent.incrementAndGet();
                        }
                        proxy.send(in, client);
                    }
                } catch (Exception e) {
                    // closed
                }
            });
            port = ((InetSocketAddress) proxy.getLocalAddress()).getPort();
            Running a = startClient(alice);
            await(() -> a.client().connected(), 5000);
            stop.set(true);
            assertThat(forgedSent.get()).isGreaterThanOrEqualTo(1);
            assertThat(a.client().counters().drops(HubDropReason.HANDSHAKE_FAILED))
                    .isGreaterThanOrEqualTo(1);
            assertThat(a.client().counters().initiationsSent.get()).isEqualTo(1);
        }
    }

    /**
     * The hub sends the client a packet whose inner source is outside the client's hub-side
     * prefixes (no Routes configured: only its tunnel network 10.77.0.0/24). Before: accepted.
     */
    @Test
    void innerSourceOutsideTheHubSidePrefixesIsDropped() throws Exception {
        startHub(List.of(alice), HubServer.Options.defaults());
        Running a = startClient(alice);
        await(() -> a.client().connected(), 5000);
        byte[] toHub = Packets.ipv4("10.77.0.2", "10.77.0.1", 40);
        a.tun().inject(toHub);
        assertThat(hubTun.take(3000)).isEqualTo(toHub);
        byte[] fromHub = Packets.ipv4("10.77.0.1", "10.77.0.2", 40);
        hubTun.inject(fromHub);
        assertThat(a.tun().take(2000)).isEqualTo(fromHub);
        hubTun.inject(Packets.ipv4("192.0.2.9", "10.77.0.2", 40));
        await(() -> a.client().counters().drops(HubDropReason.ALLOWED_IPS) == 1, 2000);
        assertThat(a.tun().take(200)).isNull();
    }
}
