package dev.psk.tunnel.cli;

import dev.psk.tunnel.cli.status.DeviceMetrics;
import dev.psk.tunnel.cli.status.MetricsEndpoint;
import dev.psk.tunnel.cli.status.PeerFacts;
import dev.psk.tunnel.device.Device;
import dev.psk.tunnel.session.Psk2Session;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.function.LongSupplier;

/**
 * Prometheus metrics of a point-to-point tunnel: the series every device exports
 * ({@link DeviceMetrics}, the same scheme as the hub's) plus the pad's consumption. Off unless
 * {@code --metrics [HOST:]PORT} is given; a port alone binds 127.0.0.1.
 */
final class TunnelMetrics implements AutoCloseable {
    private final MetricsEndpoint endpoint;

    private TunnelMetrics(MetricsEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    static TunnelMetrics start(InetSocketAddress address, Device device, Psk2Session session, PeerFacts.Source facts)
            throws IOException {
        PrometheusRegistry reg = new PrometheusRegistry();
        DeviceMetrics.register(reg, device, facts);
        Labels iface = Labels.of("interface", device.tun().name());
        gauge(
                reg,
                iface,
                "psk_tunnel_pad_data_slots",
                "Data slots of the pad",
                () -> session.padStatus().dataSlots());
        gauge(
                reg,
                iface,
                "psk_tunnel_pad_tx_slots_remaining",
                "Slots left for sending",
                () -> session.padStatus().txSlotsRemaining());
        gauge(
                reg,
                iface,
                "psk_tunnel_pad_tx_packets_remaining",
                "Packets left for sending",
                () -> session.padStatus().txPacketsRemaining());
        gauge(
                reg,
                iface,
                "psk_tunnel_pad_erased_slots",
                "Consumed slots overwritten in the pad",
                () -> session.padStatus().erasedSlots());
        return new TunnelMetrics(MetricsEndpoint.serve(reg, address));
    }

    private static void gauge(PrometheusRegistry reg, Labels iface, String name, String help, LongSupplier f) {
        GaugeWithCallback.builder()
                .name(name)
                .help(help)
                .constLabels(iface)
                .callback(cb -> cb.call(f.getAsLong()))
                .register(reg);
    }

    int port() {
        return endpoint.port();
    }

    String url() {
        return endpoint.url();
    }

    @Override
    public void close() {
        endpoint.close();
    }
}
