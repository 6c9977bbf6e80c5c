package dev.psk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.psk.common.cli.ExitCodes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The systemd units in deploy/systemd, checked by this host's systemd-analyze (verify, and the
 * offline security score, which must stay at or below 3.0 "OK") and for the service contract the
 * daemons implement: readiness by sd_notify, restart except on the "needs a person" codes, a
 * runtime directory per instance, resolution after the network is online. The same checks run
 * with Debian 13's systemd in tests/package/chroot-test.sh.
 */
class SystemdUnitsTest {
    private static final double MAX_EXPOSURE = 3.0;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"psk-tunnel@.service", "psk-hub@.service", "psk-hub-client@.service"})
    void unitVerifiesScoresAndKeepsTheServiceContract(String unit) throws Exception {
        Path project = ScriptRunner.projectDir();
        String text = Files.readString(project.resolve("deploy/systemd/" + unit), StandardCharsets.UTF_8);

        assertThat(text)
                .contains("Type=notify\n", "NotifyAccess=main\n", "Restart=on-failure\n", "LimitCORE=0\n")
                .contains("RestartPreventExitStatus=" + ExitCodes.USAGE + " " + ExitCodes.DO_NOT_RESTART
                        + (unit.startsWith("psk-tunnel@") ? " " + ExitCodes.PAD_EXHAUSTED : "") + "\n")
                .contains("RuntimeDirectory=psk-tunnel/%i\n", "--status-file %t/psk-tunnel/%i")
                .contains("After=network-online.target nss-lookup.target\n", "Wants=network-online.target\n");
        if (unit.startsWith("psk-hub@")) {
            assertThat(text).contains("ExecReload=/bin/kill -HUP $MAINPID\n");
        } else {
            assertThat(text).doesNotContain("ExecReload"); // no reload in these daemons: no false promise
        }

        assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")), "systemd-analyze not installed");
        // The unit as an instance, its ExecStart pointed at this checkout's launcher.
        String instance = unit.replace("@", "@ci");
        Path copy = dir.resolve(instance);
        Files.writeString(
                copy,
                text.replace(
                        "/usr/bin/psk-tunnel", project.resolve("bin/psk-tunnel").toString()));

        var verify = run(List.of("systemd-analyze", "verify", "--man=no", copy.toString()));
        assertThat(verify.code)
                .as("systemd-analyze verify %s:%n%s", unit, verify.out)
                .isZero();
        assertThat(verify.out).as("verify output").isBlank();

        var security = run(List.of("systemd-analyze", "security", "--offline=yes", copy.toString()));
        Matcher m = Pattern.compile("Overall exposure level for \\S+: ([0-9.]+) (\\w+)")
                .matcher(security.out);
        assertThat(m.find()).as("security output:%n%s", security.out).isTrue();
        double exposure = Double.parseDouble(m.group(1));
        System.out.println("SCORE " + unit + " " + exposure + " " + m.group(2));
        assertThat(exposure).as("exposure of %s", unit).isLessThanOrEqualTo(MAX_EXPOSURE);
    }

    private record Result(int code, String out) {}

    private Result run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(cmd + " did not finish in 60 s");
        }
        return new Result(p.exitValue(), out);
    }
}
