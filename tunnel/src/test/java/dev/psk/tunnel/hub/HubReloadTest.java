package dev.psk.tunnel.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.AtomicFiles;
import dev.psk.tunnel.hub.HubFixtures.Client;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #17, configs that cannot lie: a reload that changes a field only a restart can apply is
 * refused as a whole with "restart needed" naming the field, the running configuration stays and
 * the refusal is counted in the metrics; one write of the file is one reload, however many steps
 * and events the write takes.
 */
class HubReloadTest extends HubHarness {
    @TempDir
    Path dir;

    private Path file;

    private String json(List<Client> clients, Map<String, String> extra) {
        return HubFixtures.serverJson(hubKeys, port, clients, extra);
    }

    private HubReloader reloader(List<Client> clients) throws Exception {
        startHub(clients, HubServer.Options.defaults());
        file = dir.resolve("hub.json");
        AtomicFiles.write(file, json(clients, Map.of()).getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_ONLY);
        HubReloader r = new HubReloader(file, hub);
        open.add(r);
        r.start();
        return r;
    }

    private static String scrape(PrometheusRegistry registry) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aFieldOnlyARestartCanApplyIsRefusedByNameAndNothingElseInTheFileApplies() throws Exception {
        HubReloader r = reloader(List.of(alice, bob));
        PrometheusRegistry registry = new PrometheusRegistry();
        HubMetrics.register(registry, hub.counters(), hub::sessionCount, r, hub);
        Client bobOff = new Client("bob", bob.keys(), bob.psk(), bob.address(), false);
        int refusals = 0;
        for (Map<String, String> change : List.of(
                Map.of("Mtu", "1300"),
                Map.of("Interface", "\"pskh9\""),
                Map.of("MetricsPort", "9599"),
                Map.of("ListenAddress", ""))) {
            // Each with a client change that could apply live: it must not apply either.
            String text = change.containsKey("ListenAddress")
                    ? json(List.of(alice, bobOff), Map.of()).replace("\"127.0.0.1\"", "\"0.0.0.0\"")
                    : json(List.of(alice, bobOff), change);
            AtomicFiles.write(file, text.getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_ONLY);
            int expected = ++refusals;
            await(() -> r.reloadsRefused() >= expected, 3000);
            String field = change.keySet().iterator().next();
            assertThat(r.lastRefusal()).contains(file + ": restart needed to change " + field);
            assertThat(hub.config().clients().get(1).enabled())
                    .as("bob, after " + change)
                    .isTrue();
        }
        // The port and the addresses, with their old and new values; the key, by name only.
        String moved = json(List.of(alice, bob), Map.of())
                .replace("\"ListenPort\":" + port, "\"ListenPort\":" + (port == 65535 ? 1 : port + 1))
                .replace("10.77.0.1/24", "10.77.0.1/16");
        AtomicFiles.write(file, moved.getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_ONLY);
        await(() -> r.reloadsRefused() >= 5, 3000);
        assertThat(r.lastRefusal())
                .contains("restart needed to change ListenPort " + port + " -> ")
                .contains("Address [10.77.0.1/24] -> [10.77.0.1/16]");
        HubFixtures.Keys other = HubFixtures.Keys.generate();
        String rekeyed = json(List.of(alice, bob), Map.of()).replace(hubKeys.privB64(), other.privB64());
        AtomicFiles.write(file, rekeyed.getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_ONLY);
        await(() -> r.reloadsRefused() >= 6, 3000);
        assertThat(r.lastRefusal())
                .contains("restart needed to change ServerX25519PrivateKey")
                .doesNotContain(other.privB64())
                .doesNotContain(hubKeys.privB64());
        assertThat(r.reloadsApplied()).isZero();
        assertThat(scrape(registry))
                .contains("psk_hub_config_reloads_total{interface=\"hub\",result=\"refused\"} 6")
                .contains("psk_hub_config_reloads_total{interface=\"hub\",result=\"applied\"} 0");
        // The live part alone applies.
        AtomicFiles.write(
                file, json(List.of(alice, bobOff), Map.of()).getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_ONLY);
        await(() -> r.reloadsApplied() == 1, 3000);
        assertThat(hub.config().clients().get(1).enabled()).isFalse();
    }

    @Test
    void oneWriteIsOneReloadHoweverItIsWritten() throws Exception {
        HubReloader r = reloader(List.of(alice, bob));
        Client bobOff = new Client("bob", bob.keys(), bob.psk(), bob.address(), false);
        byte[][] versions = {
            json(List.of(alice, bobOff), Map.of()).getBytes(StandardCharsets.UTF_8),
            json(List.of(alice, bob), Map.of()).getBytes(StandardCharsets.UTF_8)
        };
        int applied = 0;
        for (int round = 0; round < 3; round++) {
            byte[] text = versions[round % 2];
            switch (round % 3) {
                case 0 -> AtomicFiles.write(file, text, AtomicFiles.OWNER_ONLY); // rename into place
                case 1 -> Files.write(file, text); // truncate, then write: two change events
                default -> {
                    // An editor that writes in two steps a moment apart: read once, whole.
                    Files.write(file, java.util.Arrays.copyOf(text, text.length / 2));
                    Thread.sleep(40);
                    Files.write(
                            file,
                            java.util.Arrays.copyOfRange(text, text.length / 2, text.length),
                            StandardOpenOption.APPEND);
                }
            }
            applied++;
            int expected = applied;
            await(() -> r.reloadsApplied() >= expected, 3000);
            Thread.sleep(700); // room for a second, spurious reload
            assertThat(r.reloadsApplied())
                    .as("reloads after write " + (round + 1))
                    .isEqualTo(applied);
            assertThat(r.reloadsRefused())
                    .as("refusals after write " + (round + 1) + ": " + r.lastRefusal())
                    .isZero();
        }
        // A chmod that makes the file unsafe is a change too: refused once, not in a loop.
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw----"));
        await(() -> r.reloadsRefused() >= 1, 3000);
        Thread.sleep(700);
        assertThat(r.reloadsRefused()).isEqualTo(1);
        assertThat(r.lastRefusal()).contains("writable by group or others");
    }
}
