package dev.psk.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.testing.Processes;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fault relay of tests/netns/faults.sh checked on loopback (tests/netns/fault_selftest.py; no
 * root): clean and hold phases, what arrives equals its summary, every fault kind and reordering
 * happen, same seed same fates, and its accounting reports an accepted bad datagram, a dropped
 * fresh one and a duplicate counted under the wrong reason. Without this the fault suite could pass
 * by accounting wrongly.
 */
class FaultRelaySelfTest {
    @Test
    void relayAndAccountingPassTheirSelfTest() throws Exception {
        var script = ScriptRunner.projectDir().resolve("tests/netns/fault_selftest.py");
        var r = Processes.run(List.of(ScriptRunner.python(), script.toString()), null, null, Duration.ofMinutes(2));
        System.out.print(r.stdout());
        assertThat(r.stdout())
                .as(r.stdout() + r.stderr())
                .containsPattern("fault relay self-test: \\d+ passed, 0 failed")
                .doesNotContain("FAIL:");
        assertThat(r.exitCode()).isZero();
    }
}
