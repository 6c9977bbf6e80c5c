package dev.psk.tunnel.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.tunnel.device.UdpSocket;
import dev.psk.tunnel.hub.HubFixtures.Client;
import dev.psk.tunnel.hub.HubFixtures.Keys;
import dev.psk.tunnel.noise.IkPsk2Handshake;
import dev.psk.tunnel.testing.MemoryTun;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;

/** A hub and clients in one process over loopback UDP with in-memory TUN devices. */
abstract class HubHarness {
    static final Timers.Settings FAST = new Timers.Settings(
            Duration.ofMillis(300),
            Duration.ofSeconds(20),
            Duration.ofSeconds(120),
            Duration.ofSeconds(1),
            Duration.ZERO);

    final Keys hubKeys = Keys.generate();
    final Client alice = new Client("alice", Keys.generate(), HubFixtures.psk(), "10.77.0.2", true);
    final Client bob = new Client("bob", Keys.generate(), HubFixtures.psk(), "10.77.0.3", true);
    final List<AutoCloseable> open = new ArrayList<>();
    HubServer hub;
    MemoryTun hubTun;
    int port;

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    HubConfig config(List<Client> clients) throws ConfigException {
        return HubConfigParser.parseServer(HubFixtures.serverJson(hubKeys, port, clients, Map.of()), "test");
    }

    void startHub(List<Client> clients, HubServer.Options options) throws Exception {
        UdpSocket ch = socket();
        port = ch.localAddress().getPort();
        // The hub's kernel forwards packets between clients (back out of the TUN device).
        hubTun = MemoryTun.forwarding("hub", "10.77.0.1");
        hub = new HubServer(config(clients), hubTun, ch, options, System::nanoTime);
        open.add(hub);
        hub.start();
    }

    record Running(HubClient client, MemoryTun tun) {}

    Running startClient(Client c) throws Exception {
        return startClient(c, FAST);
    }

    Running startClient(Client c, Timers.Settings timers) throws Exception {
        ClientConfig cc = HubConfigParser.parseClient(HubFixtures.clientJson(c, hubKeys, port), "test");
        UdpSocket ch = socket();
        MemoryTun tun = new MemoryTun(c.name());
        HubClient client =
                new HubClient(cc, tun, ch, new InetSocketAddress("127.0.0.1", port), timers, null, System::nanoTime);
        open.add(client);
        client.start();
        return new Running(client, tun);
    }

    static UdpSocket socket() throws java.io.IOException {
        return UdpSocket.bind(new InetSocketAddress("127.0.0.1", 0), 1 << 20);
    }

    static void await(BooleanSupplier cond, long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (!cond.getAsBoolean() && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(cond.getAsBoolean()).as("condition within " + millis + " ms").isTrue();
    }

    static void awaitOr(BooleanSupplier cond, long millis, java.util.function.Supplier<String> state)
            throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (!cond.getAsBoolean() && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(cond.getAsBoolean())
                .as(() -> "condition within " + millis + " ms: " + state.get())
                .isTrue();
    }

    /** A well-formed message 1 (right mac1, no mac2) from {@code c}, as a client would send. */
    static byte[] message1(Client c, Keys hub, int senderIndex) throws Exception {
        try (IkPsk2Handshake hs = IkPsk2Handshake.initiator(
                HubWire.PROLOGUE,
                dev.psk.tunnel.crypto.X25519PrivateKey.copyOf(c.keys().priv()),
                dev.psk.tunnel.crypto.X25519PublicKey.fromBytes(hub.pub()),
                dev.psk.tunnel.crypto.PresharedKey.copyOf(c.psk()))) {
            byte[] noise = hs.writeMessage1(Tai64n.encode(Instant.now()));
            byte[] msg = new byte[HubWire.INIT_NOISE_OFFSET + noise.length + 2 * HubWire.MAC_BYTES];
            msg[0] = HubWire.TYPE_INITIATION;
            HubWire.putIntLE(msg, HubWire.INIT_SENDER_OFFSET, senderIndex);
            System.arraycopy(noise, 0, msg, HubWire.INIT_NOISE_OFFSET, noise.length);
            new CookieGenerator(hub.pub()).addMacs(msg, msg.length);
            assertThat(msg.length).isEqualTo(HubWire.INITIATION_MIN_BYTES);
            return Arrays.copyOf(msg, msg.length);
        }
    }
}
