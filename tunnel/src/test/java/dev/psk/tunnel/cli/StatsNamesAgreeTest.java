package dev.psk.tunnel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.tunnel.DropReason;
import dev.psk.tunnel.cli.status.DeviceMetrics;
import dev.psk.tunnel.cli.status.PeerFacts;
import dev.psk.tunnel.cli.status.StatusFile;
import dev.psk.tunnel.crypto.AeadBackend;
import dev.psk.tunnel.device.Device;
import dev.psk.tunnel.device.Peer;
import dev.psk.tunnel.device.PeerDirectory;
import dev.psk.tunnel.device.UdpSocket;
import dev.psk.tunnel.pad.PadFile;
import dev.psk.tunnel.session.Psk2Session;
import dev.psk.tunnel.testing.MemoryTun;
import dev.psk.tunnel.testing.TestPads;
import dev.psk.tunnel.wire.Role;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * One name per drop reason on a point-to-point end: for every {@link DropReason}, the stats line,
 * the status file that {@code psk-tunnel show} prints and the metrics carry the same label and
 * the same count.
 */
class StatsNamesAgreeTest {
    @TempDir
    Path dir;

    @Test
    void statsLineStatusAndMetricsAgreeOnEveryReason() throws Exception {
        Path pad = TestPads.create(dir, "pad", 40, 5);
        try (PadFile p = PadFile.open(pad);
                UdpSocket sock = UdpSocket.bind(new InetSocketAddress("127.0.0.1", 0), 1 << 16)) {
            Psk2Session s = Psk2Session.open(p, dir.resolve("s.json"), Role.INITIATOR, 4096, m -> {});
            Peer peer = new Peer("127.0.0.1", s, new InetSocketAddress("127.0.0.1", 9), true);
            Device d = new Device(new MemoryTun("nm0"), sock, PeerDirectory.single(peer), AeadBackend.JCE, m -> {});
            DropReason[] all = DropReason.values();
            for (int i = 0; i < all.length; i++) { // a distinct count per reason, split device/peer
                peer.counters().drop(all[i], i + 1);
                if (i % 3 == 0) {
                    d.counters().drop(all[i], 100);
                }
            }

            Map<String, Long> stats = new TreeMap<>();
            Matcher sm = Pattern.compile("([a-z_]+) (\\d+)")
                    .matcher(new StatsReporter().statsLine(d).replaceFirst("^.*\\| drops \\d+ \\(", ""));
            while (sm.find()) {
                stats.put(sm.group(1), Long.parseLong(sm.group(2)));
            }

            JsonNode status = StatusFile.document(d, "initiator", 1, Instant.now(), PeerFacts.DEFAULT);
            Map<String, Long> shown = new TreeMap<>();
            for (JsonNode drops : new JsonNode[] {
                status.path("device_drops"), status.path("peers").get(0).path("drops")
            }) {
                drops.properties()
                        .forEach(e -> shown.merge(e.getKey(), e.getValue().asLong(), Long::sum));
            }

            PrometheusRegistry reg = new PrometheusRegistry();
            DeviceMetrics.register(reg, d, PeerFacts.DEFAULT);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrometheusTextFormatWriter.create().write(out, reg.scrape());
            Map<String, Long> scraped = new TreeMap<>();
            Matcher mm = Pattern.compile(
                            "(?m)^psk_tunnel_drops_total\\{interface=\"nm0\",peer=\"[^\"]*\",reason=\"([a-z_]+)\"} ([0-9.]+)$")
                    .matcher(out.toString(StandardCharsets.UTF_8));
            while (mm.find()) {
                scraped.merge(mm.group(1), (long) Double.parseDouble(mm.group(2)), Long::sum);
            }

            Map<String, Long> expected = new TreeMap<>();
            for (int i = 0; i < all.length; i++) {
                expected.put(all[i].label(), i + 1L + (i % 3 == 0 ? 100 : 0));
            }
            assertThat(shown).as("show").isEqualTo(expected);
            assertThat(stats).as("stats line").isEqualTo(expected);
            assertThat(scraped).as("metrics").isEqualTo(expected);
            s.close();
        }
    }
}
