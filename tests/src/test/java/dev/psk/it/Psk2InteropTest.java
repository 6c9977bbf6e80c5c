package dev.psk.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Wire interoperability with an independent PSK2 implementation (tests/peers/psk2_peer.py, written
 * from the specification): Java initiator with Python responder and the reverse, in namespaces;
 * ping, a 64 MiB transfer with sha256, a replayed datagram and the MTU.
 */
@Tag("netns")
@Tag("root")
class Psk2InteropTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"java:python", "python:java"})
    void javaAndTheIndependentPeerInteroperate(String ends) throws Exception {
        var r = ScriptRunner.run(
                Duration.ofMinutes(4), "tests/netns/p2p.sh", "--ends", ends, "--only", "ping,transfer,replay,mtu");
        assertThat(r.exitCode())
                .as("tests/netns/p2p.sh --ends %s exited %d after %s:%n%s", ends, r.exitCode(), r.took(), r.output())
                .isZero();
        assertThat(r.output()).contains("PASS: 64 MiB TCP transfer").doesNotContain("FAIL:");
    }
}
