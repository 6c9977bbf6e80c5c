package dev.psk.tunnel.hub;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * The hub's own Prometheus series (off unless {@code --metrics} or {@code MetricsPort} is set):
 * handshakes by result and reason, control-path drops, sessions, bytes and packets, config
 * reloads. The per-client series share the point-to-point scheme (cli.status.DeviceMetrics). Labels
 * carry reasons, names and fingerprints only: no keys, no addresses, no secrets.
 * Values are read from {@link HubCounters} at scrape time, so the packet path pays nothing.
 */
public final class HubMetrics implements AutoCloseable {
    /** The reasons counted outside the device: malformed or unexpected control datagrams, full queues. */
    private static final java.util.List<HubDropReason> CONTROL = java.util.List.of(
            HubDropReason.TOO_SHORT,
            HubDropReason.TOO_LONG,
            HubDropReason.BAD_TYPE,
            HubDropReason.BAD_COOKIE_REPLY,
            HubDropReason.UNEXPECTED_RESPONSE,
            HubDropReason.QUEUE_FULL,
            HubDropReason.SEND_FAILED);

    private final HTTPServer server;

    private HubMetrics(HTTPServer server) {
        this.server = server;
    }

    /** Registers the hub's metrics in {@code registry} (tests scrape it directly). */
    public static void register(
            PrometheusRegistry registry, HubCounters c, IntSupplier sessions, HubReloader reloader) {
        register(registry, c, sessions, reloader, null);
    }

    /**
     * As above, labelled with the hub's interface. The per-client series (traffic, drops, latest
     * handshake, last receive) are not here: every device, hub or point-to-point, exports them under
     * one scheme (cli.status.DeviceMetrics), registered next to these by the hub commands.
     */
    public static void register(
            PrometheusRegistry registry, HubCounters c, IntSupplier sessions, HubReloader reloader, HubServer hub) {
        Labels iface = hub == null
                ? Labels.EMPTY
                : Labels.of("interface", hub.device().tun().name());
        CounterWithCallback.builder()
                .name("psk_hub_handshakes_total")
                .constLabels(iface)
                .help("Message 1 outcomes: result ok or rejected, with the rejection reason")
                .labelNames("result", "reason")
                .callback(cb -> {
                    cb.call(c.handshakesCompleted.get(), "ok", "none");
                    for (HubDropReason r : HubDropReason.values()) {
                        if (r.isHandshake()) {
                            cb.call(c.drops(r), "rejected", r.label());
                        }
                    }
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("psk_hub_control_drops_total")
                .constLabels(iface)
                .help("Handshake-path datagrams dropped outside the data plane, by reason"
                        + " (data-plane drops: psk_tunnel_drops_total)")
                .labelNames("reason")
                .callback(cb -> {
                    Map<String, Long> byLabel = new LinkedHashMap<>();
                    for (HubDropReason r : CONTROL) {
                        byLabel.merge(r.label(), c.controlDrops(r), Long::sum);
                    }
                    byLabel.forEach((label, n) -> cb.call(n, label));
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("psk_hub_bytes_total")
                .constLabels(iface)
                .help("Inner packet bytes through the hub")
                .labelNames("direction")
                .callback(cb -> {
                    cb.call(c.bytesIn(), "in");
                    cb.call(c.bytesOut(), "out");
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("psk_hub_packets_total")
                .constLabels(iface)
                .help("Inner packets through the hub")
                .labelNames("direction")
                .callback(cb -> {
                    cb.call(c.packetsIn(), "in");
                    cb.call(c.packetsOut(), "out");
                    cb.call(c.forwarded.get(), "client_to_client");
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("psk_hub_sessions_ended_total")
                .constLabels(iface)
                .help("Sessions ended (expiry, revocation, rekey)")
                .callback(cb -> cb.call(c.sessionsEnded.get()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("psk_hub_sessions")
                .constLabels(iface)
                .help("Live sessions")
                .callback(cb -> cb.call(sessions.getAsInt()))
                .register(registry);
        if (reloader != null) {
            CounterWithCallback.builder()
                    .name("psk_hub_config_reloads_total")
                    .constLabels(iface)
                    .help("Configuration reloads by result")
                    .labelNames("result")
                    .callback(cb -> {
                        cb.call(reloader.reloadsApplied(), "applied");
                        cb.call(reloader.reloadsRefused(), "refused");
                    })
                    .register(registry);
        }
    }

    /** Serves {@code registry} at http://127.0.0.1:{@code port}/metrics (port 0: any free port). */
    public static HubMetrics serve(PrometheusRegistry registry, int port) throws IOException {
        return new HubMetrics(HTTPServer.builder()
                .hostname("127.0.0.1")
                .port(port)
                .registry(registry)
                .buildAndStart());
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
