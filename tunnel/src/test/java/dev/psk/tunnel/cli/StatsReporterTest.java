package dev.psk.tunnel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Stats lines only when something changed, or after the idle repeat (issue #15), on a fake clock. */
class StatsReporterTest {
    static final long S = 1_000_000_000L;
    static final long IDLE = Duration.ofMinutes(10).toNanos();

    @Test
    void anIdleTunnelPrintsOnceThenEveryIdleRepeat() {
        StatsReporter r = new StatsReporter();
        assertThat(r.due("stats: tx 0", "pad: 0 used", 10 * S, IDLE)).containsExactly("stats: tx 0", "pad: 0 used");
        for (long t = 20; t < 600; t += 10) {
            assertThat(r.due("stats: tx 0", "pad: 0 used", t * S, IDLE))
                    .as("at %d s", t)
                    .isEmpty();
        }
        assertThat(r.due("stats: tx 0", "pad: 0 used", 610 * S, IDLE)).hasSize(2);
        assertThat(r.due("stats: tx 0", "pad: 0 used", 620 * S, IDLE)).isEmpty();
    }

    @Test
    void aChangeIsPrintedAtTheNextInterval() {
        StatsReporter r = new StatsReporter();
        r.due("stats: tx 0", "pad: 0 used", 10 * S, IDLE);
        assertThat(r.due("stats: tx 5", "pad: 0 used", 20 * S, IDLE)).containsExactly("stats: tx 5", "pad: 0 used");
        assertThat(r.due("stats: tx 5", "pad: 1 used", 30 * S, IDLE)).containsExactly("stats: tx 5", "pad: 1 used");
        assertThat(r.due("stats: tx 5", "pad: 1 used", 40 * S, IDLE)).isEmpty();
    }

    @Test
    void theIdleRepeatIsCountedFromTheLastLinePrinted() {
        StatsReporter r = new StatsReporter();
        r.due("a", "p", 0, IDLE);
        r.due("b", "p", 500 * S, IDLE);
        assertThat(r.due("b", "p", 700 * S, IDLE))
                .as("200 s after the last change")
                .isEmpty();
        assertThat(r.due("b", "p", 1100 * S, IDLE)).hasSize(2);
    }
}
