package dev.psk.tunnel.cli.status;

import dev.psk.common.cli.VersionProvider;
import dev.psk.tunnel.DropReason;
import dev.psk.tunnel.device.Device;
import dev.psk.tunnel.device.Peer;
import dev.psk.tunnel.device.TrafficCounters;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.function.ToLongFunction;

/**
 * The metrics every running device exports, point-to-point and hub alike (docs/deployment.md,
 * "Metrics"): per peer, labelled {@code interface} and {@code peer} (the name {@code psk-tunnel
 * show} prints), traffic, drops by {@link DropReason#label()} (the names of show and the stats line),
 * the latest handshake and last receive as Unix times (0: never, as {@code wg show dump}); per
 * interface the TUN offload counters; and a build-info gauge. Values are read at scrape time from
 * the counters the packet threads keep, so the data plane pays nothing.
 */
public final class DeviceMetrics {
    private DeviceMetrics() {}

    /** Registers {@code device}'s series in {@code registry}, the peers described by {@code facts}. */
    public static void register(PrometheusRegistry registry, Device device, PeerFacts.Source facts) {
        Labels iface = Labels.of("interface", device.tun().name());
        GaugeWithCallback.builder()
                .name("psk_tunnel_build_info")
                .help("Always 1; the version of the running daemon")
                .labelNames("version")
                .callback(cb -> cb.call(1, VersionProvider.VERSION))
                .register(registry);
        GaugeWithCallback.builder()
                .name("psk_tunnel_peer_info")
                .help("Always 1; the peer's fingerprint (hub: key fingerprint, point-to-point: identity_id)")
                .constLabels(iface)
                .labelNames("peer", "fingerprint")
                .callback(cb -> {
                    for (Peer p : device.peers().peers()) {
                        PeerFacts f = facts.of(p);
                        cb.call(1, f.name(), f.fingerprint() == null ? "" : f.fingerprint());
                    }
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("psk_tunnel_peer_latest_handshake_seconds")
                .help("Unix time of the peer's latest completed handshake (0: none)")
                .constLabels(iface)
                .labelNames("peer")
                .callback(cb -> {
                    for (Peer p : device.peers().peers()) {
                        PeerFacts f = facts.of(p);
                        cb.call(PeerFacts.epochSeconds(f.latestHandshake()), f.name());
                    }
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("psk_tunnel_peer_last_receive_seconds")
                .help("Unix time of the last authentic packet from the peer (0: none)")
                .constLabels(iface)
                .labelNames("peer")
                .callback(cb -> {
                    for (Peer p : device.peers().peers()) {
                        PeerFacts f = facts.of(p);
                        cb.call(PeerFacts.epochSeconds(f.lastReceive()), f.name());
                    }
                })
                .register(registry);
        perPeer(registry, iface, device, facts, "psk_tunnel_tx_packets", "Packets sealed and sent", c -> c.txPackets());
        perPeer(registry, iface, device, facts, "psk_tunnel_tx_bytes", "Inner packet bytes sent", c -> c.txBytes());
        perPeer(
                registry,
                iface,
                device,
                facts,
                "psk_tunnel_rx_packets",
                "Packets opened and delivered to the TUN device",
                c -> c.rxPackets());
        perPeer(
                registry,
                iface,
                device,
                facts,
                "psk_tunnel_rx_bytes",
                "Inner packet bytes delivered",
                c -> c.rxBytes());
        CounterWithCallback.builder()
                .name("psk_tunnel_drops")
                .help("Dropped datagrams and packets by reason, per peer (peer=\"\": not attributable to one)")
                .constLabels(iface)
                .labelNames("peer", "reason")
                .callback(cb -> {
                    TrafficCounters own = device.counters();
                    for (DropReason r : DropReason.values()) {
                        long n = own.drops(r);
                        if (n != 0) {
                            cb.call(n, "", r.label());
                        }
                    }
                    for (Peer p : device.peers().peers()) {
                        String name = facts.of(p).name();
                        for (DropReason r : DropReason.values()) {
                            long n = p.counters().drops(r);
                            if (n != 0) {
                                cb.call(n, name, r.label());
                            }
                        }
                    }
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("psk_tunnel_tun_offload_frames_cut")
                .help("TCP frames of several packets read from the TUN device and cut into packets")
                .constLabels(iface)
                .callback(cb -> cb.call(device.tun().gsoFrames()))
                .register(registry);
        CounterWithCallback.builder()
                .name("psk_tunnel_tun_offload_packets_joined")
                .help("Received packets written to the TUN device inside joined frames")
                .constLabels(iface)
                .callback(cb -> cb.call(device.tun().coalescedPackets()))
                .register(registry);
    }

    private static void perPeer(
            PrometheusRegistry registry,
            Labels iface,
            Device device,
            PeerFacts.Source facts,
            String name,
            String help,
            ToLongFunction<TrafficCounters> value) {
        CounterWithCallback.builder()
                .name(name)
                .help(help)
                .constLabels(iface)
                .labelNames("peer")
                .callback(cb -> {
                    for (Peer p : device.peers().peers()) {
                        cb.call(value.applyAsLong(p.counters()), facts.of(p).name());
                    }
                })
                .register(registry);
    }
}
