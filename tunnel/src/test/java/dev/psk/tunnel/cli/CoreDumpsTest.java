package dev.psk.tunnel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue #12: psk-tunnel's process must not be dumpable. Shown on a separate JVM that runs only
 * {@link CoreDumps#disable} (this test JVM stays dumpable): before and after, as the kernel reports
 * it through PR_GET_DUMPABLE.
 */
class CoreDumpsTest {
    /** The child: prints "before after" dumpable states. */
    public static void main(String[] args) {
        boolean before = CoreDumps.dumpable().orElseThrow();
        boolean ok = CoreDumps.disable();
        boolean after = CoreDumps.dumpable().orElseThrow();
        System.out.println(before + " " + ok + " " + after);
    }

    @Test
    void disableMakesTheProcessNonDumpable() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(
                        java.toString(),
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        CoreDumpsTest.class.getName())
                .redirectErrorStream(true)
                .start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(out).as("child said: %s", out).endsWith("true true false");
        assertThat(Files.exists(Path.of("/proc/self/status"))).isTrue();
    }
}
