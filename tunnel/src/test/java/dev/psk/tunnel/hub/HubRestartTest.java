package dev.psk.tunnel.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.tunnel.device.UdpSocket;
import dev.psk.tunnel.hub.HubFixtures.Client;
import dev.psk.tunnel.hub.HubFixtures.Keys;
import dev.psk.tunnel.testing.MemoryTun;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real hub and three real clients over loopback, the hub stopped and started again on the same
 * port and state file: every client carries traffic within 3 s of the restart. The clients run
 * WireGuard's timers unshortened (alone they take 15 s for a client that sends, and until the
 * 120 s rekey for one that only receives), so only the restart hint can make the deadline.
 */
class HubRestartTest extends HubHarness {
    static final long DEADLINE_MILLIS = 3000;
    static final Timers.Settings NO_KEEPALIVE = Timers.Settings.defaults(0);
    static final Timers.Settings KEEPALIVE_5S = Timers.Settings.defaults(5);

    final Client carol = new Client("carol", Keys.generate(), HubFixtures.psk(), "10.77.0.4", true);

    @TempDir
    Path dir;

    @Test
    void afterAKill9ActiveIdleAndReceiverOnlyClientsAreBackWithinThreeSeconds() throws Exception {
        restartAndMeasure(true);
    }

    @Test
    void afterACleanStopActiveIdleAndReceiverOnlyClientsAreBackWithinThreeSeconds() throws Exception {
        restartAndMeasure(false);
    }

    @Test
    void aHubWithoutAStateFileFromBeforeSendsNoHint() throws Exception {
        Path file = dir.resolve("hub.state");
        UdpSocket sock = socket();
        port = sock.localAddress().getPort();
        hub = hubOn(sock, file);
        Thread.sleep(300);
        assertThat(hub.counters().restartHintsSent.get()).isZero();
    }

    @Test
    void theStateFileKeepsEachClientsEndpointAndStillReadsVersion1() throws Exception {
        Path file = dir.resolve("hub.state");
        TimestampStore s = new TimestampStore();
        s.persistTo(file);
        byte[] ts = Tai64n.encode(java.time.Instant.now());
        assertThat(s.accept(alice.keys().pub(), ts)).isTrue();
        assertThat(s.accept(bob.keys().pub(), ts)).isTrue();
        assertThat(s.accept(carol.keys().pub(), ts)).isTrue();
        s.recordEndpoint(alice.keys().pub(), new InetSocketAddress("2001:db8::7", 41000));
        s.recordEndpoint(bob.keys().pub(), new InetSocketAddress("192.0.2.7", 41001));
        s.flush();
        TimestampStore again = new TimestampStore();
        again.persistTo(file);
        assertThat(again.restored())
                .extracting(TimestampStore.Restored::endpoint)
                .containsExactlyInAnyOrder(
                        new InetSocketAddress("2001:db8::7", 41000), new InetSocketAddress("192.0.2.7", 41001));
        assertThat(again.restored()).allSatisfy(r -> assertThat(r.timestamp()).isEqualTo(ts));
        // carol has no endpoint: nowhere to send a hint.
        assertThat(Files.readString(file)).startsWith("psk-hub-timestamps 2\n").contains(" -\n");

        // A version 1 file (timestamps only) still protects against replays, and hints nobody.
        Files.writeString(
                file, "psk-hub-timestamps 1\n" + alice.keys().pubB64() + " " + dev.psk.common.Hex.encode(ts) + "\n");
        TimestampStore v1 = new TimestampStore();
        v1.persistTo(file);
        assertThat(v1.accept(alice.keys().pub(), ts)).isFalse();
        assertThat(v1.restored()).isEmpty();

        // An endpoint that is not an IP literal and port makes the load fail, naming the line.
        for (String bad : List.of("host.example:1", "192.0.2.7", "192.0.2.7:70000", "[::1:1")) {
            Files.writeString(
                    file,
                    "psk-hub-timestamps 2\n" + alice.keys().pubB64() + " " + dev.psk.common.Hex.encode(ts)
                            + " 1700000000 " + bad + "\n");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TimestampStore().persistTo(file))
                    .as(bad)
                    .hasMessageContaining("line 2");
        }
    }

    private void restartAndMeasure(boolean kill9) throws Exception {
        Path file = dir.resolve("hub.state");
        UdpSocket first = socket();
        port = first.localAddress().getPort();
        HubServer before = hubOn(first, file);
        Running active = startClient(alice, NO_KEEPALIVE);
        Running idle = startClient(bob, KEEPALIVE_5S);
        Running receiver = startClient(carol, NO_KEEPALIVE);
        await(
                () -> active.client().connected()
                        && idle.client().connected()
                        && receiver.client().connected(),
                5000);
        // Traffic confirms every session; the hub learns each endpoint from it and saves it.
        assertThat(deliver(active.tun(), hubTun, Packets.ipv4("10.77.0.2", "10.77.0.1", 60), 2000))
                .isNotNegative();
        assertThat(deliver(hubTun, idle.tun(), Packets.ipv4("10.77.0.1", "10.77.0.3", 60), 2000))
                .isNotNegative();
        assertThat(deliver(hubTun, receiver.tun(), Packets.ipv4("10.77.0.1", "10.77.0.4", 60), 2000))
                .isNotNegative();
        await(() -> endpointsSaved(file) == 3, 2000);
        byte[] asWrittenBehind = Files.readAllBytes(file);

        before.close();
        open.remove(before);
        if (kill9) {
            // A killed hub writes nothing more: the file is what the write-behind left.
            Files.write(file, asWrittenBehind);
        }
        long t0 = System.nanoTime();
        hub = hubOn(UdpSocket.bind(new InetSocketAddress("127.0.0.1", port), 1 << 20), file);

        long toHub = deliver(active.tun(), hubTun, Packets.ipv4("10.77.0.2", "10.77.0.1", 60), t0, DEADLINE_MILLIS);
        long toIdle = deliver(hubTun, idle.tun(), Packets.ipv4("10.77.0.1", "10.77.0.3", 60), t0, DEADLINE_MILLIS);
        long toReceiver =
                deliver(hubTun, receiver.tun(), Packets.ipv4("10.77.0.1", "10.77.0.4", 60), t0, DEADLINE_MILLIS);
        String took = "active " + toHub + " ms, idle " + toIdle + " ms, receiver-only " + toReceiver + " ms; hub "
                + hub.counters() + "; hints sent "
                + hub.counters().restartHintsSent.get();
        assertThat(toHub).as(took).isBetween(0L, DEADLINE_MILLIS);
        assertThat(toIdle).as(took).isBetween(0L, DEADLINE_MILLIS);
        assertThat(toReceiver).as(took).isBetween(0L, DEADLINE_MILLIS);
        // One hint-driven handshake per client, no more.
        for (Running r : List.of(active, idle, receiver)) {
            assertThat(r.client().counters().restartHintsAccepted.get())
                    .as(took)
                    .isEqualTo(1);
        }
        await(() -> hub.counters().handshakesCompleted.get() == 3, 1000);
        Thread.sleep(RestartHints.INTERVAL.toMillis() * 2);
        assertThat(hub.counters().handshakesCompleted.get()).as(took).isEqualTo(3);
    }

    HubServer hubOn(UdpSocket sock, Path file) throws Exception {
        hubTun = MemoryTun.forwarding("hub", "10.77.0.1");
        HubServer h = new HubServer(
                config(List.of(alice, bob, carol)), hubTun, sock, HubServer.Options.defaults(), System::nanoTime);
        open.add(h);
        h.persistTimestamps(file);
        h.start();
        return h;
    }

    static long endpointsSaved(Path file) {
        try {
            return Files.readAllLines(file).stream()
                    .filter(l -> l.endsWith(" 127.0.0.1:" + l.substring(l.lastIndexOf(':') + 1)))
                    .count();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    static long deliver(MemoryTun from, MemoryTun to, byte[] packet, long millis) throws InterruptedException {
        return deliver(from, to, packet, System.nanoTime(), millis);
    }

    /**
     * Sends {@code packet} into {@code from} every 50 ms until it comes out of {@code to}: the
     * milliseconds from {@code t0} to its arrival, or -1 when it did not arrive by {@code millis}.
     */
    static long deliver(MemoryTun from, MemoryTun to, byte[] packet, long t0, long millis) throws InterruptedException {
        long end = t0 + millis * 1_000_000;
        while (System.nanoTime() < end) {
            from.inject(packet);
            byte[] got = to.take(50);
            while (got != null) {
                if (java.util.Arrays.equals(got, packet)) {
                    return (System.nanoTime() - t0) / 1_000_000;
                }
                got = to.take(0);
            }
        }
        return -1;
    }
}
