package dev.psk.tunnel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The wrong-pad hint of --handshake off (issue #15): when, how often, and what resets it. */
class AuthFailureHintTest {
    static final long S = 1_000_000_000L;

    @Test
    void hintsAfterEnoughFailuresWithNoSuccessAtMostOncePerMinute() {
        AuthFailureHint h = new AuthFailureHint("192.0.2.7:51820");
        assertThat(h.check(AuthFailureHint.MIN_FAILURES - 1, 0, S))
                .as("too few")
                .isNull();
        String line = h.check(AuthFailureHint.MIN_FAILURES, 0, 2 * S);
        assertThat(line)
                .startsWith(
                        "packets from 192.0.2.7:51820 fail authentication (10 in a row): " + "different pad or state?");
        assertThat(h.check(100, 0, 3 * S)).as("within the minute").isNull();
        assertThat(h.check(200, 0, 61 * S))
                .as("still within the minute of the hint")
                .isNull();
        assertThat(h.check(300, 0, 62 * S)).as("a minute later, still failing").contains("(290 in a row)");
        assertThat(h.check(300, 0, 200 * S)).as("no new failures").isNull();
    }

    @Test
    void anAuthenticPacketResetsTheCount() {
        AuthFailureHint h = new AuthFailureHint("peer");
        assertThat(h.check(8, 0, S)).isNull();
        assertThat(h.check(9, 1, 2 * S)).as("a good packet arrived").isNull();
        assertThat(h.check(17, 1, 3 * S)).as("8 since").isNull();
        assertThat(h.check(19, 1, 4 * S)).as("10 since").isNotNull();
    }
}
