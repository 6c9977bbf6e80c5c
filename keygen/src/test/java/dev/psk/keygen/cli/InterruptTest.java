package dev.psk.keygen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.testing.Processes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Ctrl-C (SIGINT) and SIGTERM in the middle of a generation: no pad, no temp file, old pad intact. */
class InterruptTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"INT", "TERM"})
    void signalMidWayLeavesNothingAndTheOldPadUntouched(String signal) throws Exception {
        Path pad = dir.resolve("pad.bin");
        Files.writeString(pad, "old pad");
        Files.writeString(dir.resolve("pad.bin.sha256"), "old sidecar");
        // Slow enough to be caught mid-way: a 64 GiB request would take minutes.
        Process p = Launch.keygen(Map.of(), dir, "generate", "pad.bin", "--size", "64GiB", "--force", "--readers", "1")
                .redirectErrorStream(true)
                .start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (tempBytes() < (8 << 20)) {
                assertThat(p.isAlive()).as("generator exited early").isTrue();
                assertThat(System.nanoTime()).as("temp file never grew").isLessThan(deadline);
                Thread.sleep(20);
            }
            Processes.run("kill", "-" + signal, Long.toString(p.pid())).requireSuccess("kill");
            assertThat(p.waitFor(60, TimeUnit.SECONDS))
                    .as("exits after the signal")
                    .isTrue();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).isNotZero();
            // a slow (loaded) run may print progress lines first (ProgressLog); the last line is the verdict
            assertThat(output.strip().lines().filter(l -> !l.matches("psk-keygen: .* of .*, about \\d+ s left")))
                    .containsExactly("psk-keygen: interrupted: no pad written");
            assertThat(Files.readString(pad)).isEqualTo("old pad");
            assertThat(Files.readString(dir.resolve("pad.bin.sha256"))).isEqualTo("old sidecar");
            try (Stream<Path> s = Files.list(dir)) {
                assertThat(s.map(f -> f.getFileName().toString()))
                        .containsExactlyInAnyOrder("pad.bin", "pad.bin.sha256");
            }
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private long tempBytes() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> temps = s.filter(f -> f.getFileName().toString().startsWith(".pad.bin.tmp-"))
                    .toList();
            long n = 0;
            for (Path t : temps) {
                n += Files.size(t);
            }
            return n;
        } catch (java.nio.file.NoSuchFileException raced) {
            return 0;
        }
    }
}
