package dev.psk.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The "First hour" walkthrough of docs/deployment.md, its commands read from the doc by
 * tests/netns/first-hour.sh: a pad, two ends in namespaces, ping, show, stop, and the signed
 * variant with SoftHSM2 tokens.
 */
@Tag("netns")
@Tag("root")
class FirstHourNetnsTest {
    @Test
    void theWalkthroughRunsAsWritten() throws Exception {
        var r = ScriptRunner.run(Duration.ofMinutes(6), "tests/netns/first-hour.sh");
        assertThat(r.exitCode())
                .as("tests/netns/first-hour.sh exited %d after %s:%n%s", r.exitCode(), r.took(), r.output())
                .isZero();
        assertThat(r.output()).contains("first-hour.sh: 0 failed");
    }
}
