package dev.psk.keygen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressLogTest {
    private static final long S = 1_000_000_000L;

    @Test
    void aFastRunPrintsNothing() {
        AtomicLong clock = new AtomicLong();
        StringWriter out = new StringWriter();
        ProgressLog log = new ProgressLog(new PrintWriter(out), "psk-keygen", clock::get);
        for (int i = 1; i <= 10; i++) {
            clock.addAndGet(S / 10);
            log.onProgress(i * 100L, 1000);
        }
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void aSlowSourceGetsALineWithRateAfterAFewSecondsThenEveryTen() {
        AtomicLong clock = new AtomicLong();
        StringWriter out = new StringWriter();
        ProgressLog log = new ProgressLog(new PrintWriter(out), "psk-keygen", clock::get);
        long total = 64L << 20;
        long rate = 32 << 10; // 32 KiB/s: a slow hardware RNG
        for (int sec = 1; sec <= 25; sec++) {
            clock.set(sec * S);
            log.onProgress(sec * rate, total);
        }
        String[] lines = out.toString().split("\n");
        assertThat(lines).hasSize(3); // at 3 s, 13 s and 23 s
        assertThat(lines[0])
                .startsWith("psk-keygen: ")
                .contains("of 64.00 MiB")
                .contains("32.8 kB/s")
                .contains("left");
    }
}
