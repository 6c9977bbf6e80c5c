package dev.psk.tunnel.cli;

import dev.psk.common.cli.UsageException;
import dev.psk.tunnel.DropReason;
import dev.psk.tunnel.device.Device;
import dev.psk.tunnel.device.Peer;
import dev.psk.tunnel.session.Psk2Session;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.function.ToLongFunction;

/**
 * Prometheus metrics of a running tunnel (text format on {@code /metrics}), read from the live
 * counters at scrape time: traffic per peer, drops per peer and reason, pad consumption.
 * Off unless {@code --metrics HOST:PORT} is given; bind it to 127.0.0.1.
 */
final class TunnelMetrics implements AutoCloseable {
    private final HTTPServer server;

    private TunnelMetrics(HTTPServer server) {
        this.server = server;
    }

    static InetSocketAddress parseAddress(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new UsageException("--metrics must be HOST:PORT, e.g. 127.0.0.1:9586, not '" + hostPort + "'");
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new UsageException("--metrics port must be a number, not '" + hostPort.substring(colon + 1) + "'");
        }
        if (port < 0 || port > 65535) {
            throw new UsageException("--metrics port must be 0..65535, not " + port);
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    static TunnelMetrics start(String hostPort, Device device, Psk2Session session) throws IOException {
        InetSocketAddress a = parseAddress(hostPort);
        PrometheusRegistry reg = new PrometheusRegistry();
        counter(
                reg,
                "psk_tunnel_tx_packets",
                "Packets sealed and sent",
                device,
                c -> c.counters().txPackets());
        counter(
                reg,
                "psk_tunnel_tx_bytes",
                "Inner packet bytes sent",
                device,
                c -> c.counters().txBytes());
        counter(
                reg,
                "psk_tunnel_rx_packets",
                "Packets opened and delivered to the TUN device",
                device,
                c -> c.counters().rxPackets());
        counter(
                reg,
                "psk_tunnel_rx_bytes",
                "Inner packet bytes delivered",
                device,
                c -> c.counters().rxBytes());
        CounterWithCallback.builder()
                .name("psk_tunnel_drops")
                .help("Dropped datagrams and packets by reason")
                .labelNames("peer", "reason")
                .callback(cb -> {
                    for (DropReason r : DropReason.values()) {
                        long dev = device.counters().drops(r);
                        if (dev != 0) {
                            cb.call(dev, "", r.label());
                        }
                        for (Peer p : device.peers().peers()) {
                            cb.call(p.counters().drops(r), p.name(), r.label());
                        }
                    }
                })
                .register(reg);
        CounterWithCallback.builder()
                .name("psk_tunnel_tun_offload_frames_cut")
                .help("TCP frames of several packets read from the TUN device and cut into packets")
                .callback(cb -> cb.call(device.tun().gsoFrames()))
                .register(reg);
        CounterWithCallback.builder()
                .name("psk_tunnel_tun_offload_packets_joined")
                .help("Received packets written to the TUN device inside joined frames")
                .callback(cb -> cb.call(device.tun().coalescedPackets()))
                .register(reg);
        gauge(
                reg,
                "psk_tunnel_pad_data_slots",
                "Data slots of the pad",
                () -> session.padStatus().dataSlots());
        gauge(
                reg,
                "psk_tunnel_pad_tx_slots_remaining",
                "Slots left for sending",
                () -> session.padStatus().txSlotsRemaining());
        gauge(
                reg,
                "psk_tunnel_pad_tx_packets_remaining",
                "Packets left for sending",
                () -> session.padStatus().txPacketsRemaining());
        gauge(
                reg,
                "psk_tunnel_pad_erased_slots",
                "Consumed slots overwritten in the pad",
                () -> session.padStatus().erasedSlots());
        HTTPServer server = HTTPServer.builder()
                .hostname(a.getHostString())
                .port(a.getPort())
                .registry(reg)
                .buildAndStart();
        return new TunnelMetrics(server);
    }

    private static void counter(
            PrometheusRegistry reg, String name, String help, Device device, ToLongFunction<Peer> f) {
        CounterWithCallback.builder()
                .name(name)
                .help(help)
                .labelNames("peer")
                .callback(cb -> {
                    for (Peer p : device.peers().peers()) {
                        cb.call(f.applyAsLong(p), p.name());
                    }
                })
                .register(reg);
    }

    private static void gauge(PrometheusRegistry reg, String name, String help, java.util.function.LongSupplier f) {
        GaugeWithCallback.builder()
                .name(name)
                .help(help)
                .callback(cb -> cb.call(f.getAsLong()))
                .register(reg);
    }

    int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
