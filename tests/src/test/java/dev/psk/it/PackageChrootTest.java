package dev.psk.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The Debian packages as a user gets them: scripts/package.sh (lintian included when installed)
 * over the jars this build made, then tests/package/chroot-test.sh (a Debian 13 chroot, apt
 * install, every tool, systemd-analyze, removal) and tests/package/arm64-test.sh (Debian's arm64
 * JRE under qemu-user-static). The bases are cached in /var/cache/psk-toolkit-test: the first run
 * of a week makes them (Debian 13 7 min, Debian 12 4 min, arm64 JRE 1.5 min on a loaded 2-core
 * machine); with them cached the chroot test took 7.4 min and the arm64 test 6 min at load 25-30.
 */
@Tag("root")
@Tag("package")
class PackageChrootTest {
    @Test
    void packagesBuildInstallRunAndRemoveInADebian13Chroot() throws Exception {
        var build = ScriptRunner.run(Duration.ofMinutes(15), "scripts/package.sh", "--no-build");
        assertThat(build.exitCode())
                .as("scripts/package.sh exited %d:%n%s", build.exitCode(), build.output())
                .isZero();
        assertThat(build.output()).contains("built dist/psk-toolkit_", "built dist/psk-toolkit-bundled_");

        var chroot = ScriptRunner.run(Duration.ofMinutes(25), "tests/package/chroot-test.sh");
        assertThat(chroot.exitCode())
                .as("chroot-test.sh exited %d after %s:%n%s", chroot.exitCode(), chroot.took(), chroot.output())
                .isZero();
        assertThat(chroot.output())
                .contains("PASS psk-keygen verify", "PASS psk-attest verify accepts", "PASS man psk-tunnel")
                .contains("PASS apt purges it", "SCORE psk-tunnel@.service")
                .doesNotContain("FAIL ");

        var arm = ScriptRunner.run(Duration.ofMinutes(15), "tests/package/arm64-test.sh");
        assertThat(arm.exitCode())
                .as("arm64-test.sh exited %d after %s:%n%s", arm.exitCode(), arm.took(), arm.output())
                .isZero();
        assertThat(arm.output())
                .contains("PASS arm64 java -version", "PASS arm64 psk-keygen verify")
                .doesNotContain("FAIL ");
    }
}
