package dev.psk.tunnel.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.tunnel.cli.status.DeviceMetrics;
import dev.psk.tunnel.cli.status.PeerFacts;
import dev.psk.tunnel.hub.HubFixtures.Client;
import dev.psk.tunnel.hub.HubFixtures.Keys;
import dev.psk.tunnel.testing.MemoryTun;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** Clients by enrolled name (issue #13 item 7): logs, activity (show), metrics, and what a refused client says. */
class HubNamesTest extends HubHarness {
    final List<String> logs = new CopyOnWriteArrayList<>();
    final List<String> levels = new CopyOnWriteArrayList<>();

    AutoCloseable capture() {
        Logger root = Logger.getLogger("dev.psk.tunnel.hub");
        Level before = root.getLevel();
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logs.add(r.getMessage());
                levels.add(r.getLevel() + " " + r.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        root.setLevel(Level.INFO);
        root.addHandler(h);
        return () -> {
            root.removeHandler(h);
            root.setLevel(before);
        };
    }

    @Test
    @SuppressWarnings("try")
    void hubNamesClientsInLogsActivityAndMetrics() throws Exception {
        try (AutoCloseable c = capture()) {
            startHub(List.of(alice, bob), HubServer.Options.defaults());
            Running a = startClient(alice);
            await(() -> a.client().connected(), 5000);
            byte[] p = Packets.ipv4("10.77.0.2", "10.77.0.1", 30);
            a.tun().inject(p);
            assertThat(hubTun.take(3000)).isEqualTo(p);
            HubServer.ClientActivity act = hub.clientActivity().getFirst();
            assertThat(act.name()).isEqualTo("alice");
            assertThat(act.fingerprint())
                    .isEqualTo(AllowedClient.fingerprint(alice.keys().pub()));
            assertThat(act.latestHandshake()).isNotNull();
            assertThat(act.lastPacket()).isNotNull();
            assertThat(hub.clientActivity().get(1).latestHandshake()).isNull();

            PrometheusRegistry reg = new PrometheusRegistry();
            HubMetrics.register(reg, hub.counters(), hub::sessionCount, null, hub);
            DeviceMetrics.register(reg, hub.device(), PeerFacts.DEFAULT);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrometheusTextFormatWriter.create().write(out, reg.scrape());
            assertThat(out.toString())
                    .contains("psk_tunnel_peer_info{fingerprint=\"" + act.fingerprint()
                            + "\",interface=\"hub\",peer=\"alice\"} 1.0")
                    .containsPattern(
                            "psk_tunnel_peer_latest_handshake_seconds\\{interface=\"hub\",peer=\"alice\"} 1\\.[0-9]+E9")
                    .containsPattern(
                            "psk_tunnel_peer_last_receive_seconds\\{interface=\"hub\",peer=\"alice\"} 1\\.[0-9]+E9")
                    .contains("psk_tunnel_peer_last_receive_seconds{interface=\"hub\",peer=\"bob\"} 0.0")
                    .contains("psk_hub_sessions{interface=\"hub\"}");

            hub.reload(config(List.of(bob, new Client("alice", alice.keys(), alice.psk(), alice.address(), false))));
            a.client().initiate();
            await(() -> logs.stream().anyMatch(l -> l.contains("disabled_key")), 3000);
        }
        String refused = logs.stream()
                .filter(l -> l.contains("disabled_key"))
                .findFirst()
                .orElseThrow();
        assertThat(levels).anyMatch(l -> l.startsWith("WARNING handshake refused (disabled_key): client alice ("));
        assertThat(refused)
                .contains("client alice ("
                        + AllowedClient.fingerprint(alice.keys().pub()) + ")")
                .contains("127.0.0.1:");
    }

    @Test
    @SuppressWarnings("try")
    void aRefusedClientSaysTheHubWasSilent() throws Exception {
        Client mallory = new Client("mallory", Keys.generate(), HubFixtures.psk(), "10.77.0.9", true);
        try (AutoCloseable c = capture()) {
            startHub(List.of(alice), HubServer.Options.defaults());
            ClientConfig cc = HubConfigParser.parseClient(HubFixtures.clientJson(mallory, hubKeys, port), "test");
            Timers.Settings quick = new Timers.Settings(
                    Duration.ofMillis(200),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(120),
                    Duration.ofSeconds(1),
                    Duration.ZERO);
            HubClient client = new HubClient(
                    cc,
                    new MemoryTun("mallory"),
                    socket(),
                    new InetSocketAddress("127.0.0.1", port),
                    quick,
                    null,
                    System::nanoTime);
            open.add(client);
            client.start();
            await(() -> logs.stream().anyMatch(l -> l.contains("no handshake with hub")), 5000);
            long sent = client.counters().initiationsSent.get();
            // Two more rounds of attempts (1 s each here) give up in silence again: no second line.
            Thread.sleep(2500);
            assertThat(client.counters().initiationsSent.get())
                    .as("still trying")
                    .isGreaterThan(sent);
        }
        assertThat(logs.stream().filter(l -> l.contains("no handshake with hub")))
                .as("said once per outage")
                .hasSize(1);
        assertThat(logs)
                .anyMatch(l -> l.contains("handshake refused (unknown_key): unknown key "
                        + AllowedClient.fingerprint(mallory.keys().pub())))
                .anyMatch(l -> l.contains("client mallory") && l.contains("silent when it refuses"));
        assertThat(levels)
                .as("an unknown key is the internet's noise, a silent hub the client's problem")
                .anyMatch(l -> l.startsWith("INFO handshake refused (unknown_key): unknown key "))
                .anyMatch(l -> l.startsWith("WARNING client mallory ") && l.contains("no handshake with hub"));
    }
}
