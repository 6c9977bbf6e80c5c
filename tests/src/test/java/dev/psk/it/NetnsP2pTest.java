package dev.psk.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The end-to-end suite tests/netns/p2p.sh, Java at both ends: ping, 64 MiB with sha256, restart
 * mid-stream, five kill -9 cycles checked on the wire, replay dropped and counted, 5% loss, MTU.
 */
@Tag("netns")
@Tag("root")
class NetnsP2pTest {
    @Test
    void javaToJavaSuitePasses() throws Exception {
        var r = ScriptRunner.run(Duration.ofMinutes(7), "tests/netns/p2p.sh", "--ends", "java:java");
        assertThat(r.exitCode())
                .as("tests/netns/p2p.sh --ends java:java exited %d after %s:%n%s", r.exitCode(), r.took(), r.output())
                .isZero();
        assertThat(r.output()).contains("0 failed").doesNotContain("FAIL:");
    }
}
