package dev.psk.tunnel.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.tunnel.DropReason;
import dev.psk.tunnel.cli.status.DeviceMetrics;
import dev.psk.tunnel.cli.status.PeerFacts;
import dev.psk.tunnel.cli.status.StatusFile;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * One name per drop reason (issue #17): what {@code psk-tunnel show} reads (the status file) and
 * what the metrics say agree reason by reason and peer by peer, and the hub's own labels use the
 * same names. Before, a packet for a client that had not handshaken since the hub started was
 * {@code no_route} in show and {@code no_session} in the metrics.
 */
class DropNamesAgreeTest extends HubHarness {
    private static final Pattern SERIES = Pattern.compile(
            "(?m)^psk_tunnel_drops_total\\{interface=\"hub\",peer=\"([^\"]*)\",reason=\"([^\"]+)\"} ([0-9.]+)$");

    @Test
    void showAndMetricsNameEveryHubDropAlike() throws Exception {
        startHub(java.util.List.of(alice, bob), HubServer.Options.defaults());
        Running a = startClient(alice);
        await(() -> a.client().connected(), 5000);
        hubTun.inject(Packets.ipv4("10.77.0.1", "10.77.0.3", 20)); // bob: enrolled, never connected
        hubTun.inject(Packets.ipv4("10.77.0.1", "10.77.0.99", 20)); // nobody's address
        a.tun().inject(Packets.ipv4("10.77.0.3", "10.77.0.1", 20)); // alice using bob's address
        await(
                () -> hub.counters().drops(HubDropReason.NO_SESSION) == 1
                        && hub.counters().drops(HubDropReason.NO_ROUTE) == 1
                        && hub.counters().drops(HubDropReason.ALLOWED_IPS) == 1,
                3000);

        JsonNode status = StatusFile.document(hub.device(), "hub server", port, Instant.now(), PeerFacts.DEFAULT);
        Map<String, Long> shown = new TreeMap<>();
        status.path("device_drops")
                .properties()
                .forEach(e -> shown.put("/" + e.getKey(), e.getValue().asLong()));
        for (JsonNode p : status.path("peers")) {
            p.path("drops")
                    .properties()
                    .forEach(e -> shown.put(
                            p.path("name").asString() + "/" + e.getKey(),
                            e.getValue().asLong()));
        }
        PrometheusRegistry reg = new PrometheusRegistry();
        DeviceMetrics.register(reg, hub.device(), PeerFacts.DEFAULT);
        HubMetrics.register(reg, hub.counters(), hub::sessionCount, null, hub);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, reg.scrape());
        String text = out.toString(StandardCharsets.UTF_8);
        Map<String, Long> scraped = new TreeMap<>();
        Matcher m = SERIES.matcher(text);
        while (m.find()) {
            scraped.put(m.group(1) + "/" + m.group(2), (long) Double.parseDouble(m.group(3)));
        }

        assertThat(shown)
                .containsEntry("bob/no_session", 1L)
                .containsEntry("/no_route", 1L)
                .containsEntry("alice/allowed_ips", 1L);
        assertThat(scraped).as("metrics say what show says").isEqualTo(shown);
        Set<String> names =
                Arrays.stream(DropReason.values()).map(DropReason::label).collect(Collectors.toSet());
        assertThat(shown.keySet()).allMatch(k -> names.contains(k.substring(k.indexOf('/') + 1)));
        for (HubDropReason r : HubDropReason.values()) {
            if (!r.isHandshake() && hub.counters().drops(r) > 0) {
                assertThat(names).as("hub label " + r.label()).contains(r.label());
            }
        }
        assertThat(text).doesNotContain("psk_hub_drops_total").doesNotContain("reason=\"no_route\"} 0");
    }
}
