package dev.psk.tunnel.io.tun;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Inputs are rejected before any native call or command, with one line naming what was expected. */
class TunInputValidationTest {
    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "a/b", "a:b", "a b", "tab\tname", "sixteen-bytes-xx", "t\u00fcn0"})
    void badInterfaceNamesAreRejected(String name) {
        assertThatThrownBy(() -> LinuxTun.open(name, 1420))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("TUN device name")
                .hasMessageNotContaining("\n");
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 0, 67, 65536})
    void badMtuIsRejectedBeforeOpening(int mtu) {
        assertThatThrownBy(() -> LinuxTun.open("psk0", mtu)).hasMessageContaining("MTU must be 68..65535, not " + mtu);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "10.0.0",
                "10.0.0.256",
                "10.0.0.01",
                "localhost",
                "10..0.1",
                "1.2.3.4.5",
                " 10.0.0.1",
                "-1.0.0.1",
                "0x0a.0.0.1"
            })
    void badAddressesAreRejectedWithoutLookup(String ip) {
        assertThatThrownBy(() -> TunConfigurator.requireIpv4("--local-ip", ip))
                .hasMessage("--local-ip must be a dotted-quad IPv4 address such as 10.0.0.1, not '" + ip + "'");
    }

    @ParameterizedTest
    @CsvSource({"10.0.0.1", "0.0.0.0", "255.255.255.255", "169.254.10.3"})
    void goodAddressesPass(String ip) {
        assertThatCode(() -> TunConfigurator.requireIpv4("--remote-ip", ip)).doesNotThrowAnyException();
    }

    @org.junit.jupiter.api.Test
    void sameAddressAtBothEndsIsRejected() {
        assertThatThrownBy(() -> TunConfigurator.configure("psk0", "10.0.0.1", "10.0.0.1", 1420))
                .hasMessageContaining("both 10.0.0.1");
    }
}
