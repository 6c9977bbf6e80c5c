package dev.psk.tunnel.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.Hex;
import dev.psk.tunnel.device.UdpSocket;
import dev.psk.tunnel.testing.MemoryTun;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restart hint attacked (docs/hub.md, "Recovery from a hub restart"): an attacker without the
 * client's PSK cannot make a client handshake, a captured genuine hint makes it handshake once at
 * most, and nothing anyone sends makes the hub send a hint. The clients run WireGuard's timers
 * unshortened, so any extra message 1 in these windows comes from a hint.
 */
class HubRestartAttackTest extends HubHarness {
    static final Timers.Settings WIREGUARD = Timers.Settings.defaults(0);
    final SecureRandom random = new SecureRandom();
    final HubFixtures.Client mallory =
            new HubFixtures.Client("mallory", HubFixtures.Keys.generate(), HubFixtures.psk(), "10.77.0.9", true);

    @TempDir
    Path dir;

    @Test
    void forgedHintsAreDroppedAndNeverStartAHandshake() throws Exception {
        startHub(List.of(alice), HubServer.Options.defaults());
        Running a = startClient(alice, WIREGUARD);
        await(() -> a.client().connected(), 5000);
        InetSocketAddress client = a.client().device().socket().localAddress();
        long before = a.client().counters().initiationsSent.get();
        int sent = 0;
        try (DatagramChannel attacker = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
                RestartHint otherPsk = new RestartHint(
                        HubFixtures.psk(), hubKeys.pub(), alice.keys().pub());
                RestartHint right = alicesHint()) {
            for (int i = 0; i < 300; i++) {
                // Never the label of a handshake alice made: those lie in the past.
                byte[] ts = Tai64n.encode(java.time.Instant.now().plusMillis(1000 + 7L * i));
                byte[][] forgeries = {
                    randomHint(), // a guessed MAC
                    otherPsk.write(ts), // the right form with the wrong key
                    right.write(ts), // the right key (which an attacker lacks) for a handshake the client never made
                    java.util.Arrays.copyOf(right.write(ts), HubWire.RESTART_HINT_BYTES + 1), // wrong length
                };
                for (byte[] f : forgeries) {
                    attacker.send(ByteBuffer.wrap(f), client);
                    sent++;
                }
            }
        }
        int n = sent;
        await(() -> a.client().counters().drops(HubDropReason.BAD_RESTART_HINT) == n, 3000);
        assertThat(a.client().counters().initiationsSent.get()).isEqualTo(before);
        assertThat(a.client().counters().restartHintsAccepted.get()).isZero();
        assertThat(a.client().connected()).isTrue();
    }

    @Test
    void aCapturedHintReplayedAtWillBuysOneHandshakeOnly() throws Exception {
        Path file = dir.resolve("hub.state");
        BeforeRestart start = aliceSavedBy(file);
        Running a = start.alice();
        // What the restarted hub will send alice (a hint is deterministic: an on-path observer
        // captures exactly these bytes). Its hints themselves go astray: alice's saved endpoint is
        // made wrong, so only the attacker's copy reaches her, and it arrives late and 200 times.
        byte[] captured;
        try (RestartHint h = alicesHint()) {
            captured = h.write(Hex.decode(stateLine(file).split(" ")[1]));
        }
        closeNow(start.hub());
        String line = stateLine(file);
        Files.writeString(file, Files.readString(file).replace(line, line.replaceAll(" [^ ]+$", " 127.0.0.1:9")));
        HubServer h2 = hubOnSamePort(file);
        await(() -> h2.counters().restartHintsSent.get() >= 1, 2000);
        long before = a.client().counters().initiationsSent.get();
        InetSocketAddress client = a.client().device().socket().localAddress();
        try (DatagramChannel attacker = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            for (int i = 0; i < 200; i++) {
                attacker.send(ByteBuffer.wrap(captured), client);
                if (i == 100) {
                    await(() -> h2.counters().handshakesCompleted.get() == 1, 2000);
                }
            }
        }
        await(() -> a.client().counters().drops(HubDropReason.BAD_RESTART_HINT) == 199, 3000);
        assertThat(a.client().counters().restartHintsAccepted.get()).isEqualTo(1);
        assertThat(a.client().counters().initiationsSent.get()).isEqualTo(before + 1);
        assertThat(h2.counters().handshakesCompleted.get()).isEqualTo(1);
        // And alice is back: the one handshake was the one the restart needed.
        assertAliceReachesHub(a);
    }

    @Test
    void nothingAnAttackerSendsMakesTheHubSendAHintAndItsBurstIsBounded() throws Exception {
        Path file = dir.resolve("hub.state");
        BeforeRestart start = aliceSavedBy(file);
        Running a = start.alice();
        // Alice goes away with the hub: the restarted hub hints into silence, SENDS times, then stops.
        closeNow(a.client());
        closeNow(start.hub());
        HubServer h2 = hubOnSamePort(file);
        InetSocketAddress hub = new InetSocketAddress("127.0.0.1", port);
        int answers = 0;
        try (DatagramChannel attacker = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            attacker.configureBlocking(false);
            ByteBuffer rx = ByteBuffer.allocate(2048);
            long end = System.nanoTime() + (RestartHints.SENDS + 1) * RestartHints.INTERVAL.toNanos();
            while (System.nanoTime() < end) {
                // Transport messages for lost sessions, hints, message 1s without keys: none is answered.
                attacker.send(ByteBuffer.wrap(transport(random.nextInt())), hub);
                attacker.send(ByteBuffer.wrap(randomHint()), hub);
                attacker.send(ByteBuffer.wrap(message1(mallory, hubKeys, 3)), hub);
                while (attacker.receive(rx.clear()) != null) {
                    answers++;
                }
                Thread.sleep(5);
            }
        }
        assertThat(answers).as("datagrams the attacker got back").isZero();
        assertThat(h2.counters().restartHintsSent.get()).isEqualTo(RestartHints.SENDS);
        Thread.sleep(RestartHints.INTERVAL.toMillis() * 2);
        assertThat(h2.counters().restartHintsSent.get()).isEqualTo(RestartHints.SENDS);
    }

    record BeforeRestart(HubServer hub, Running alice) {}

    /**
     * A hub saving its timestamps to {@code file} and alice connected to it, her packet through and
     * her line in the file complete (a handshake label and an endpoint): what a restart recovers from.
     */
    BeforeRestart aliceSavedBy(Path file) throws Exception {
        UdpSocket first = socket();
        port = first.localAddress().getPort();
        HubServer hub = hubOn(first, file);
        Running a = startClient(alice, WIREGUARD);
        await(() -> a.client().connected(), 5000);
        assertAliceReachesHub(a);
        await(() -> stateLine(file).split(" ").length == 4 && !stateLine(file).endsWith(" -"), 2000);
        return new BeforeRestart(hub, a);
    }

    void assertAliceReachesHub(Running a) throws Exception {
        a.tun().inject(Packets.ipv4("10.77.0.2", "10.77.0.1", 40));
        assertThat(hubTun.take(2000)).isNotNull();
    }

    /** The hint a hub sends alice (deterministic for a label); only the hub and alice have its key. */
    RestartHint alicesHint() {
        return new RestartHint(alice.psk(), hubKeys.pub(), alice.keys().pub());
    }

    /** Closes {@code c} now rather than after the test. */
    void closeNow(AutoCloseable c) throws Exception {
        c.close();
        open.remove(c);
    }

    /** The restarted hub: on the port of the first, from the same timestamp file. */
    HubServer hubOnSamePort(Path file) throws Exception {
        return hubOn(UdpSocket.bind(new InetSocketAddress("127.0.0.1", port), 1 << 20), file);
    }

    byte[] randomHint() {
        byte[] h = new byte[HubWire.RESTART_HINT_BYTES];
        random.nextBytes(h);
        h[0] = HubWire.TYPE_RESTART_HINT;
        h[1] = h[2] = h[3] = 0;
        return h;
    }

    byte[] transport(int receiver) {
        byte[] t = new byte[HubWire.TRANSPORT_MIN_BYTES + 20];
        random.nextBytes(t);
        t[0] = HubWire.TYPE_TRANSPORT;
        t[1] = t[2] = t[3] = 0;
        HubWire.putIntLE(t, HubWire.TRANSPORT_RECEIVER_OFFSET, receiver);
        return t;
    }

    String stateLine(Path file) {
        try {
            return Files.readAllLines(file).stream()
                    .filter(l -> l.startsWith(alice.keys().pubB64()))
                    .findFirst()
                    .orElse("");
        } catch (java.io.IOException e) {
            return "";
        }
    }

    HubServer hubOn(UdpSocket sock, Path file) throws Exception {
        hubTun = MemoryTun.forwarding("hub", "10.77.0.1");
        HubServer h =
                new HubServer(config(List.of(alice)), hubTun, sock, HubServer.Options.defaults(), System::nanoTime);
        open.add(h);
        h.persistTimestamps(file);
        h.start();
        return h;
    }
}
