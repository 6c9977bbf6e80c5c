package dev.psk.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The suite tests/netns/hub-restart.sh: a hub and three clients as separate processes in four
 * namespaces; the hub is killed (kill -9) and stopped (SIGTERM) and started again, and an active
 * client, an idle one with PersistentKeepalive 5 and a receiver-only one each carry traffic within
 * 3 s of the new hub listening.
 */
@Tag("netns")
@Tag("root")
class HubRestartNetnsTest {
    @Test
    void everyClientIsBackWithinThreeSecondsOfAHubRestart() throws Exception {
        var r = ScriptRunner.run(Duration.ofMinutes(10), "tests/netns/hub-restart.sh", "--rounds", "1");
        assertThat(r.exitCode())
                .as("tests/netns/hub-restart.sh exited %d after %s:%n%s", r.exitCode(), r.took(), r.output())
                .isZero();
        assertThat(r.output()).contains("PASS:").contains("mode=kill9").contains("mode=term");
    }
}
