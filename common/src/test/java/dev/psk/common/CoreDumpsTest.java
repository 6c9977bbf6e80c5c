package dev.psk.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.testing.Processes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link CoreDumps} in a forked JVM (the flag is per process, and this test JVM should stay
 * dumpable for the tests after it): dumpable before, 0 after.
 */
class CoreDumpsTest {
    /** The forked process: prints "before after" dumpable values. */
    public static final class Probe {
        public static void main(String[] args) {
            int before = CoreDumps.dumpable();
            CoreDumps.disableOrWarn();
            System.out.println(before + " " + CoreDumps.dumpable());
        }
    }

    @Test
    void aProcessThatDisablesCoreDumpsIsNoLongerDumpable() throws Exception {
        Process p = new ProcessBuilder(Processes.java(
                        List.of("--enable-native-access=ALL-UNNAMED", "-Xshare:auto"), Probe.class, List.of()))
                .redirectErrorStream(true)
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("probe finished").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as("dumpable before and after (no warning expected)").matches("[12] 0");
    }

    @Test
    void thisProcessStartsDumpable() {
        assertThat(CoreDumps.dumpable()).isIn(1, 2);
    }

    @Test
    void aFailureIsOneWarningLineNotAnException() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(buf, true, StandardCharsets.UTF_8);
        CoreDumps.disableOrWarn(err, -1); // an unknown option fails (EINVAL) as a refused PR_SET_DUMPABLE would
        assertThat(buf.toString(StandardCharsets.UTF_8))
                .isEqualTo("warning: core dumps stay enabled (a crash could write keys to disk): "
                        + "prctl(-1, 0) failed: errno 22" + System.lineSeparator());
        assertThat(CoreDumps.dumpable()).as("this JVM untouched").isIn(1, 2);
    }
}
