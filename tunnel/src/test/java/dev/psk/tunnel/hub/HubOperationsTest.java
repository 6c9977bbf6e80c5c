package dev.psk.tunnel.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.identity.EcP256;
import dev.psk.identity.InsecureInMemorySigner;
import dev.psk.tunnel.hub.HubFixtures.Client;
import dev.psk.tunnel.testing.MemoryTun;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Logs, metrics, reload from file, hardware identity, bounded queues, no data before the handshake. */
class HubOperationsTest extends HubHarness {
    @TempDir
    Path dir;

    @Test
    void logsNameClientsByFingerprintAndNeverCarrySecretsOrKeys() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> lines = new ArrayList<>();
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                lines.add(new SimpleFormatter().format(r));
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger root = Logger.getLogger("dev.psk.tunnel.hub");
        Level before = root.getLevel();
        root.setLevel(Level.ALL);
        root.addHandler(h);
        try {
            startHub(List.of(alice, bob), HubServer.Options.defaults());
            Running a = startClient(alice);
            await(() -> a.client().connected(), 5000);
            startClient(new Client("mallory", HubFixtures.Keys.generate(), HubFixtures.psk(), "10.77.0.9", true));
            await(() -> hub.counters().drops(HubDropReason.UNKNOWN_KEY) >= 1, 3000);
            hub.reload(config(List.of(bob, new Client("alice", alice.keys(), alice.psk(), alice.address(), false))));
            a.client().initiate();
            await(() -> hub.counters().drops(HubDropReason.DISABLED_KEY) >= 1, 3000);
        } finally {
            root.removeHandler(h);
            root.setLevel(before);
        }
        String all = String.join("\n", lines) + out;
        assertThat(all)
                .contains("unknown_key")
                .contains("disabled_key")
                .contains(AllowedClient.fingerprint(alice.keys().pub()));
        List<byte[]> mustNotAppear = List.of(
                hubKeys.priv(),
                alice.psk(),
                bob.psk(),
                alice.keys().priv(),
                alice.keys().pub(),
                bob.keys().pub(),
                hubKeys.pub());
        for (byte[] b : mustNotAppear) {
            assertThat(all)
                    .doesNotContain(HubFixtures.b64(b))
                    .doesNotContain(dev.psk.common.Hex.encode(b))
                    .doesNotContain(java.util.Base64.getUrlEncoder().encodeToString(b));
        }
    }

    @Test
    void metricsShowHandshakeFailuresAllowedIpsDropsAndSessionsOnLoopbackOnly() throws Exception {
        startHub(List.of(alice, bob), HubServer.Options.defaults());
        Running a = startClient(alice);
        await(() -> a.client().connected(), 5000);
        a.tun().inject(Packets.ipv4("10.77.0.3", "10.77.0.1", 20));
        await(() -> hub.counters().drops(HubDropReason.ALLOWED_IPS) == 1, 2000);
        startClient(new Client("mallory", HubFixtures.Keys.generate(), HubFixtures.psk(), "10.77.0.9", true));
        await(() -> hub.counters().drops(HubDropReason.UNKNOWN_KEY) >= 1, 3000);
        PrometheusRegistry reg = new PrometheusRegistry();
        HubMetrics.register(reg, hub.counters(), hub::sessionCount, null);
        dev.psk.tunnel.cli.status.DeviceMetrics.register(
                reg, hub.device(), dev.psk.tunnel.cli.status.PeerFacts.DEFAULT);
        try (HubMetrics m = HubMetrics.serve(reg, 0)) {
            String text = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.port() + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertThat(text)
                    .contains("psk_hub_handshakes_total{reason=\"none\",result=\"ok\"}")
                    .containsPattern("psk_hub_handshakes_total\\{reason=\"unknown_key\",result=\"rejected\"} [1-9]")
                    .contains("psk_tunnel_drops_total{interface=\"hub\",peer=\"alice\",reason=\"allowed_ips\"} 1.0")
                    .containsPattern("psk_hub_sessions [1-9]")
                    .contains("psk_hub_bytes_total");
            assertThat(text).doesNotContain(alice.keys().pubB64());
        }
    }

    @Test
    void editingTheConfigFileEndsARevokedSessionWithinOneSecond() throws Exception {
        startHub(List.of(alice, bob), HubServer.Options.defaults());
        Path file = dir.resolve("hub.json");
        Files.writeString(file, HubFixtures.serverJson(hubKeys, port, List.of(alice, bob), Map.of()));
        Running a = startClient(alice);
        Running b = startClient(bob);
        await(() -> a.client().connected() && b.client().connected() && hub.sessionCount() >= 2, 5000);
        try (HubReloader r = new HubReloader(file, hub)) {
            r.start();
            // A broken file is refused: the running configuration stays.
            dev.psk.common.AtomicFiles.write(file, "{ broken".getBytes(), dev.psk.common.AtomicFiles.OWNER_ONLY);
            await(() -> r.reloadsRefused() >= 1, 2000);
            assertThat(hub.sessionCount()).isGreaterThanOrEqualTo(2);
            Client bobOff = new Client("bob", bob.keys(), bob.psk(), bob.address(), false);
            long t0 = System.nanoTime();
            dev.psk.common.AtomicFiles.write(
                    file,
                    HubFixtures.serverJson(hubKeys, port, List.of(alice, bobOff), Map.of())
                            .getBytes(),
                    dev.psk.common.AtomicFiles.OWNER_ONLY);
            await(() -> r.reloadsApplied() >= 1, 1000);
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1000);
            b.tun().inject(Packets.ipv4("10.77.0.3", "10.77.0.1", 20));
            await(() -> hub.counters().drops(HubDropReason.UNKNOWN_RECEIVER) >= 1, 1000);
            byte[] p = Packets.ipv4("10.77.0.2", "10.77.0.1", 20);
            a.tun().inject(p);
            assertThat(hubTun.take(1000)).isEqualTo(p);
        }
    }

    @Test
    void pskRotationEndsTheOldSessionAndTheNewPskConnects() throws Exception {
        startHub(List.of(alice), HubServer.Options.defaults());
        Running a = startClient(alice);
        await(() -> a.client().connected(), 5000);
        Client rotated = new Client("alice", alice.keys(), HubFixtures.psk(), alice.address(), true);
        hub.reload(config(List.of(rotated)));
        assertThat(hub.sessionCount()).isZero();
        a.client().initiate();
        await(() -> a.client().counters().drops(HubDropReason.HANDSHAKE_FAILED) >= 1, 3000);
        Running a2 = startClient(rotated);
        await(() -> a2.client().connected(), 5000);
    }

    @Test
    void aPinnedHardwareIdentityMustSignTheHandshake() throws Exception {
        InsecureInMemorySigner token = InsecureInMemorySigner.generate();
        startHub(List.of(alice, bob), HubServer.Options.defaults());
        HubConfig plain = config(List.of(alice, bob));
        List<AllowedClient> pinned = new ArrayList<>();
        for (AllowedClient c : plain.clients()) {
            pinned.add(new AllowedClient(
                    c.name(),
                    c.publicKey(),
                    c.allowedIps(),
                    c.psk(),
                    c.enabled(),
                    c.allowOverlap(),
                    EcP256.spki(token.publicKey())));
        }
        hub.reload(new HubConfig(
                plain.privateKey(),
                plain.publicKey(),
                plain.listenAddress(),
                plain.listenPort(),
                plain.interfaceName(),
                plain.addresses(),
                plain.mtu(),
                plain.metricsPort(),
                plain.clientToClient(),
                pinned));
        // alice signs with the pinned key: admitted. bob has no token: refused at message 1.
        ClientConfig cc = HubConfigParser.parseClient(HubFixtures.clientJson(alice, hubKeys, port), "t");
        var ch = socket();
        MemoryTun tun = new MemoryTun("a");
        HubClient signed =
                new HubClient(cc, tun, ch, new InetSocketAddress("127.0.0.1", port), FAST, token, System::nanoTime);
        open.add(signed);
        signed.start();
        await(signed::connected, 5000);
        startClient(bob);
        await(() -> hub.counters().drops(HubDropReason.IDENTITY_REFUSED) >= 1, 3000);
        // A different token key is refused too.
        ClientConfig bc = HubConfigParser.parseClient(HubFixtures.clientJson(bob, hubKeys, port), "t");
        HubClient impostor = new HubClient(
                bc,
                new MemoryTun("b"),
                socket(),
                new InetSocketAddress("127.0.0.1", port),
                FAST,
                InsecureInMemorySigner.generate(),
                System::nanoTime);
        open.add(impostor);
        long before = hub.counters().drops(HubDropReason.IDENTITY_REFUSED);
        impostor.start();
        await(() -> hub.counters().drops(HubDropReason.IDENTITY_REFUSED) > before, 3000);
        assertThat(impostor.connected()).isFalse();
    }

    @Test
    void addressClaimsInTheHandshakePayloadAreRefused() throws Exception {
        startHub(List.of(alice), HubServer.Options.defaults());
        byte[] claim = "10.77.0.3".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] msg;
        try (dev.psk.tunnel.noise.IkPsk2Handshake hs = dev.psk.tunnel.noise.IkPsk2Handshake.initiator(
                HubWire.PROLOGUE,
                dev.psk.tunnel.crypto.X25519PrivateKey.copyOf(alice.keys().priv()),
                dev.psk.tunnel.crypto.X25519PublicKey.fromBytes(hubKeys.pub()),
                dev.psk.tunnel.crypto.PresharedKey.copyOf(alice.psk()))) {
            byte[] ts = Tai64n.encode(java.time.Instant.now());
            byte[] payload = java.util.Arrays.copyOf(ts, ts.length + claim.length);
            System.arraycopy(claim, 0, payload, ts.length, claim.length);
            byte[] noise = hs.writeMessage1(payload);
            msg = new byte[HubWire.INIT_NOISE_OFFSET + noise.length + 2 * HubWire.MAC_BYTES];
            msg[0] = HubWire.TYPE_INITIATION;
            System.arraycopy(noise, 0, msg, HubWire.INIT_NOISE_OFFSET, noise.length);
            new CookieGenerator(hubKeys.pub()).addMacs(msg, msg.length);
        }
        try (DatagramChannel raw = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            raw.send(ByteBuffer.wrap(msg), new InetSocketAddress("127.0.0.1", port));
        }
        await(() -> hub.counters().drops(HubDropReason.IDENTITY_REFUSED) == 1, 3000);
        assertThat(hub.sessionCount()).isZero();
    }

    @Test
    void handshakeWorkAndQueuesAreBounded() throws Exception {
        startHub(List.of(alice), new HubServer.Options(1, 1 << 20, false, 1_000_000, 1_000_000, 4));
        byte[] m = message1(alice, hubKeys, 3);
        try (DatagramChannel raw = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.3", 0))) {
            for (int i = 0; i < 3000; i++) {
                raw.send(ByteBuffer.wrap(m), new InetSocketAddress("127.0.0.1", port));
            }
        }
        await(() -> hub.counters().drops(HubDropReason.HANDSHAKE_QUEUE_FULL) > 0, 3000);
        // One handshake completes; the replays that fit in the queue are refused by the worker.
        await(() -> hub.counters().handshakesCompleted.get() == 1, 3000);
        await(() -> hub.counters().drops(HubDropReason.REPLAYED_INITIATION) > 0, 3000);
        long worked = hub.counters().handshakesCompleted.get()
                + hub.counters().drops(HubDropReason.REPLAYED_INITIATION)
                + hub.counters().drops(HubDropReason.RATE_LIMITED_KEY);
        assertThat(worked + hub.counters().drops(HubDropReason.HANDSHAKE_QUEUE_FULL))
                .isLessThanOrEqualTo(3000);
        assertThat(hub.counters().handshakesCompleted.get()).isEqualTo(1);
    }

    @Test
    void noDataFlowsBeforeTheHandshakeCompletes() throws Exception {
        startHub(List.of(alice), HubServer.Options.defaults());
        hubTun.inject(Packets.ipv4("10.77.0.1", "10.77.0.2", 20));
        await(() -> hub.counters().drops(HubDropReason.NO_SESSION) == 1, 2000);
        hubTun.inject(Packets.ipv4("10.77.0.1", "10.77.0.99", 20));
        await(() -> hub.counters().drops(HubDropReason.NO_ROUTE) == 1, 2000);
    }

    @Test
    void garbageAndBadMac1AreDroppedBeforeAnyHandshakeWork() throws Exception {
        startHub(List.of(alice), HubServer.Options.defaults());
        byte[] m = message1(alice, hubKeys, 5);
        m[HubWire.mac1Offset(m.length)] ^= 1;
        try (DatagramChannel raw = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", port);
            raw.send(ByteBuffer.wrap(m), to);
            raw.send(ByteBuffer.wrap(new byte[3]), to);
            raw.send(ByteBuffer.wrap(new byte[] {9, 0, 0, 0, 1, 2}), to);
            byte[] shortInit = new byte[HubWire.INITIATION_MIN_BYTES - 1];
            shortInit[0] = HubWire.TYPE_INITIATION;
            raw.send(ByteBuffer.wrap(shortInit), to);
            byte[] big = new byte[HubWire.MAX_DATAGRAM_BYTES + 1];
            raw.send(ByteBuffer.wrap(big), to);
        }
        await(
                () -> hub.counters().drops(HubDropReason.BAD_MAC1) == 1
                        && hub.counters().drops(HubDropReason.TOO_LONG) == 1
                        && hub.counters().drops(HubDropReason.BAD_TYPE) == 1
                        && hub.counters().drops(HubDropReason.TOO_SHORT) == 2,
                2000);
        assertThat(hub.counters().drops(HubDropReason.UNKNOWN_KEY)
                        + hub.counters().drops(HubDropReason.HANDSHAKE_FAILED)
                        + hub.counters().handshakesCompleted.get())
                .isZero();
    }
}
