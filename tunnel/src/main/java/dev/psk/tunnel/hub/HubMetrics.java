package dev.psk.tunnel.hub;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.function.IntSupplier;

/**
 * Prometheus text exposition of a hub's counters on 127.0.0.1 only (off unless {@code MetricsPort}
 * is set): handshakes by result and reason, AllowedIPs drops (within drops by reason), sessions,
 * bytes and packets, config reloads, and per client (labelled by enrolled name and key
 * fingerprint) the latest handshake, the last packet and bytes each way. Labels carry reasons,
 * names and fingerprints only: no keys, no addresses, no secrets.
 * Values are read from {@link HubCounters} at scrape time, so the packet path pays nothing.
 */
public final class HubMetrics implements AutoCloseable {
    private final HTTPServer server;

    private HubMetrics(HTTPServer server) {
        this.server = server;
    }

    /** Registers the hub's metrics in {@code registry} (tests scrape it directly). */
    public static void register(
            PrometheusRegistry registry, HubCounters c, IntSupplier sessions, HubReloader reloader) {
        register(registry, c, sessions, reloader, null);
    }

    /** As above, plus the per-client series from {@code hub} (null: none). */
    public static void register(
            PrometheusRegistry registry, HubCounters c, IntSupplier sessions, HubReloader reloader, HubServer hub) {
        if (hub != null) {
            GaugeWithCallback.builder()
                    .name("psk_hub_client_latest_handshake_seconds")
                    .help("Unix time of the client's latest completed handshake (absent: none yet)")
                    .labelNames("client", "fingerprint")
                    .callback(cb -> {
                        for (HubServer.ClientActivity a : hub.clientActivity()) {
                            if (a.latestHandshake() != null) {
                                cb.call(a.latestHandshake().toEpochMilli() / 1000.0, a.name(), a.fingerprint());
                            }
                        }
                    })
                    .register(registry);
            GaugeWithCallback.builder()
                    .name("psk_hub_client_last_packet_seconds")
                    .help("Unix time of the last authentic packet from the client (absent: none yet)")
                    .labelNames("client", "fingerprint")
                    .callback(cb -> {
                        for (HubServer.ClientActivity a : hub.clientActivity()) {
                            if (a.lastPacket() != null) {
                                cb.call(a.lastPacket().toEpochMilli() / 1000.0, a.name(), a.fingerprint());
                            }
                        }
                    })
                    .register(registry);
            CounterWithCallback.builder()
                    .name("psk_hub_client_bytes_total")
                    .help("Inner packet bytes per client")
                    .labelNames("client", "fingerprint", "direction")
                    .callback(cb -> {
                        for (HubServer.ClientActivity a : hub.clientActivity()) {
                            cb.call(a.rxBytes(), a.name(), a.fingerprint(), "in");
                            cb.call(a.txBytes(), a.name(), a.fingerprint(), "out");
                        }
                    })
                    .register(registry);
        }
        CounterWithCallback.builder()
                .name("psk_hub_handshakes_total")
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
                .name("psk_hub_drops_total")
                .help(
                        "Datagrams and packets dropped, by reason (allowed_ips: inner source outside the client's AllowedIPs)")
                .labelNames("reason")
                .callback(cb -> {
                    for (HubDropReason r : HubDropReason.values()) {
                        if (!r.isHandshake()) {
                            cb.call(c.drops(r), r.label());
                        }
                    }
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("psk_hub_bytes_total")
                .help("Inner packet bytes through the hub")
                .labelNames("direction")
                .callback(cb -> {
                    cb.call(c.bytesIn(), "in");
                    cb.call(c.bytesOut(), "out");
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("psk_hub_packets_total")
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
                .help("Sessions ended (expiry, revocation, rekey)")
                .callback(cb -> cb.call(c.sessionsEnded.get()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("psk_hub_sessions")
                .help("Live sessions")
                .callback(cb -> cb.call(sessions.getAsInt()))
                .register(registry);
        if (reloader != null) {
            CounterWithCallback.builder()
                    .name("psk_hub_config_reloads_total")
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
