package dev.psk.tunnel.cli.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.psk.common.cli.UsageException;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** {@code --metrics [HOST:]PORT}: one spelling for point-to-point and hub. */
class MetricsEndpointTest {
    @Test
    void aPortAloneBindsLoopbackAndTheDefaultIsNotTheWireGuardExportersPort() {
        assertThat(MetricsEndpoint.parse("--metrics", "9999"))
                .isEqualTo(InetSocketAddress.createUnresolved("127.0.0.1", 9999));
        assertThat(MetricsEndpoint.parse("--metrics", MetricsEndpoint.DEFAULT))
                .isEqualTo(InetSocketAddress.createUnresolved("127.0.0.1", 9587));
        assertThat(MetricsEndpoint.DEFAULT_PORT)
                .as("9586: prometheus_wireguard_exporter, wireguard_exporter")
                .isNotEqualTo(9586);
        assertThat(MetricsEndpoint.parse("--metrics", "0.0.0.0:9100"))
                .isEqualTo(InetSocketAddress.createUnresolved("0.0.0.0", 9100));
        assertThat(MetricsEndpoint.parse("--metrics", "[::1]:0"))
                .isEqualTo(InetSocketAddress.createUnresolved("::1", 0));
    }

    @Test
    void malformedValuesAreUsageErrorsNamingTheOption() {
        assertThatThrownBy(() -> MetricsEndpoint.parse("--metrics", "host:"))
                .isInstanceOf(UsageException.class)
                .hasMessage("--metrics must be [HOST:]PORT, e.g. 127.0.0.1:9587 or 9587, not 'host:'");
        assertThatThrownBy(() -> MetricsEndpoint.parse("--metrics-port", "99999"))
                .isInstanceOf(UsageException.class)
                .hasMessage("--metrics-port port must be 0..65535, not 99999");
        assertThatThrownBy(() -> MetricsEndpoint.parse("--metrics", "localhost:http"))
                .isInstanceOf(UsageException.class)
                .hasMessage("--metrics port must be a number, not 'http'");
    }
}
