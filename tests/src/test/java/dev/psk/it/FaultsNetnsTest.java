package dev.psk.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The fault suite tests/netns/faults.sh: 64 MiB TCP transfers through a seeded misbehaving UDP
 * relay (drop with 20 % bursts, duplicate, reorder to depth 50, jitter, corrupt, truncate, replay)
 * point to point with {@code --handshake off}, through the hub, and with {@code --handshake signed}
 * (SoftHSM2 identities) across rekeys. Test that each arrives with an equal sha256, and that the
 * ends' counters account exactly for the relay's log: every fresh datagram it delivered accepted,
 * every duplicated, replayed, corrupted or truncated one dropped and counted under a reason it can
 * cause.
 */
@Tag("netns")
@Tag("root")
@Tag("token")
class FaultsNetnsTest {
    @Test
    void faultSuitePasses() throws Exception {
        var r = ScriptRunner.run(Duration.ofMinutes(12), "tests/netns/faults.sh");
        assertThat(r.exitCode())
                .as("tests/netns/faults.sh exited %d after %s:%n%s", r.exitCode(), r.took(), r.output())
                .isZero();
        assertThat(r.output())
                .contains("0 failed", "every fresh datagram accepted", "rekeys during the faulty transfer")
                .doesNotContain("FAIL:");
    }
}
