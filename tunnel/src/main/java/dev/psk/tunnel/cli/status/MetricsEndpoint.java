package dev.psk.tunnel.cli.status;

import dev.psk.common.cli.UsageException;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The Prometheus endpoint of a running daemon, point-to-point or hub: {@code --metrics [HOST:]PORT}
 * (a port alone binds 127.0.0.1; {@code --metrics} alone binds 127.0.0.1:{@value #DEFAULT_PORT}),
 * serving the text format on {@code /metrics}. The default port sits next to, not on, the WireGuard
 * exporters' 9586, so both can run on one host.
 */
public final class MetricsEndpoint implements AutoCloseable {
    public static final int DEFAULT_PORT = 9587;
    /** What {@code --metrics} means without a value. */
    public static final String DEFAULT = "127.0.0.1:" + DEFAULT_PORT;

    private final HTTPServer server;
    private final String host;

    private MetricsEndpoint(HTTPServer server, String host) {
        this.server = server;
        this.host = host;
    }

    /**
     * Parses {@code [HOST:]PORT} ({@code [v6]:PORT} for an IPv6 literal); the host is not resolved.
     *
     * @param option the option's name, for the message
     * @throws UsageException naming the option, the value and the expected form
     */
    public static InetSocketAddress parse(String option, String value) {
        String v = value.strip();
        int colon = v.lastIndexOf(':');
        String host = colon < 0 ? "127.0.0.1" : v.substring(0, colon);
        String portText = v.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty() || portText.isEmpty()) {
            throw new UsageException(
                    option + " must be [HOST:]PORT, e.g. " + DEFAULT + " or " + DEFAULT_PORT + ", not '" + value + "'");
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new UsageException(option + " port must be a number, not '" + portText + "'");
        }
        if (port < 0 || port > 65535) {
            throw new UsageException(option + " port must be 0..65535, not " + port);
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    /** Serves {@code registry} on {@code address} (port 0: any free port). */
    public static MetricsEndpoint serve(PrometheusRegistry registry, InetSocketAddress address) throws IOException {
        HTTPServer s = HTTPServer.builder()
                .hostname(address.getHostString())
                .port(address.getPort())
                .registry(registry)
                .buildAndStart();
        return new MetricsEndpoint(s, address.getHostString());
    }

    public int port() {
        return server.getPort();
    }

    /** {@code http://HOST:PORT/metrics} with the port actually bound. */
    public String url() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return "http://" + h + ":" + port() + "/metrics";
    }

    @Override
    public void close() {
        server.close();
    }
}
