package dev.psk.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * deploy/rpi5_deployment.sh run for real in a private mount namespace (tests/deploy/rpi5-deployment.sh):
 * no modprobe when /dev/net/tun exists, modprobe when it does not, a one-line failure without a TUN
 * driver, and all four tools installed and runnable.
 */
@Tag("root")
class DeploymentScriptTest {
    @Test
    void rpi5DeploymentChecksTheDeviceFirstAndInstallsAllFourTools() throws Exception {
        var r = ScriptRunner.run(Duration.ofMinutes(8), "tests/deploy/rpi5-deployment.sh");
        assertThat(r.exitCode())
                .as("tests/deploy/rpi5-deployment.sh exited %d after %s:%n%s", r.exitCode(), r.took(), r.output())
                .isZero();
        assertThat(r.output()).contains("0 failed").doesNotContain("FAIL:");
    }
}
