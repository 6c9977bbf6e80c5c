package dev.psk.common.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How the TPM test harnesses (attestation's and identity's, which differ in what they put on top)
 * start and stop swtpm, so that both run the same TPM: one place to change its flags.
 */
public final class SwtpmCommand {
    private SwtpmCommand() {}

    /**
     * swtpm as a TPM 2.0 daemon on loopback: commands on {@code port}, control on {@code port + 1},
     * state in {@code stateDir}, already started and cleared (no TPM2_Startup needed), its pid
     * written to {@link #pidFile}.
     */
    public static List<String> daemon(int port, Path stateDir) {
        return List.of(
                "swtpm",
                "socket",
                "--tpm2",
                "--server",
                "type=tcp,port=" + port + ",bindaddr=127.0.0.1",
                "--ctrl",
                "type=tcp,port=" + (port + 1) + ",bindaddr=127.0.0.1",
                "--tpmstate",
                "dir=" + stateDir,
                "--flags",
                "not-need-init,startup-clear",
                "--pid",
                "file=" + pidFile(stateDir),
                "--daemon");
    }

    /** Where {@link #daemon} has swtpm write its pid. */
    public static Path pidFile(Path stateDir) {
        return stateDir.resolve("swtpm.pid");
    }

    /**
     * Ends process {@code pid} (swtpm, or a helper daemon next to it): asks it to stop, and kills it
     * if it has not within {@code grace}. Nothing happens for a pid that is not positive or not running.
     */
    public static void stop(long pid, Duration grace) {
        if (pid <= 0) {
            return;
        }
        ProcessHandle.of(pid).ifPresent(h -> {
            h.destroy();
            try {
                h.onExit().get(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        });
    }
}
