package dev.psk.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.testing.Processes;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The attacker of tests/netns/attacker.sh must itself work, or its "decrypted 0" proves nothing:
 * it splits captured GSO frames into datagrams (and nothing else), and frames its forgeries with a
 * valid IPv4 header under the forged source. The off-mode control of attacker.sh shows the rest.
 */
class Psk2AttackerSelfTest {
    @Test
    void attackerToolsPassTheirSelfTest() throws Exception {
        var tool = ScriptRunner.projectDir().resolve("tests/peers/psk2_attacker.py");
        var r = Processes.run(
                List.of(ScriptRunner.python(), tool.toString(), "self-test"), null, null, Duration.ofMinutes(1));
        System.out.print(r.stdout());
        assertThat(r.stdout())
                .as(r.stdout() + r.stderr())
                .containsPattern("psk2 attacker self-test: \\d+ passed, 0 failed");
        assertThat(r.exitCode()).isZero();
    }
}
