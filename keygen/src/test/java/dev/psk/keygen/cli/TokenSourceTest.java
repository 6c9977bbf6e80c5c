package dev.psk.keygen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.testing.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code --source pkcs11:...} against a real SoftHSM2 token in a private token directory
 * (SOFTHSM2_CONF points at it in the child JVM's environment only).
 */
@Tag("token")
class TokenSourceTest {
    private static final String MODULE = "/usr/lib/softhsm/libsofthsm2.so";
    private static Path home;
    private static Map<String, String> env;

    @BeforeAll
    static void token() throws Exception {
        home = Files.createTempDirectory("psk-keygen-softhsm-");
        Path tokens = Files.createDirectory(home.resolve("tokens"));
        Path conf = home.resolve("softhsm2.conf");
        Files.writeString(
                conf, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
        env = Map.of("SOFTHSM2_CONF", conf.toString());
        Processes.run(
                        List.of(
                                "softhsm2-util",
                                "--init-token",
                                "--free",
                                "--label",
                                "keygen-rng",
                                "--so-pin",
                                "87654321",
                                "--pin",
                                "12345678"),
                        env,
                        null,
                        Duration.ofMinutes(1))
                .requireSuccess("softhsm2-util --init-token");
    }

    @AfterAll
    static void cleanup() throws IOException {
        if (home != null) {
            try (var s = Files.walk(home)) {
                s.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Processes.Result keygen(Path dir, String... args) throws Exception {
        Process p = Launch.keygen(env, dir, args).start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Processes.Result(
                p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void padFromTheTokensRngIsHealthTestedAndVerifiable() throws Exception {
        Path dir = Files.createTempDirectory(home, "out");
        Processes.Result r = keygen(
                dir,
                "generate",
                "pad.bin",
                "--size",
                "2MiB",
                "--source",
                "pkcs11:token=keygen-rng?module-path=" + MODULE);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout())
                .contains("source: PKCS#11 token 'keygen-rng'")
                .contains("C_GenerateRandom")
                .contains("health tests passed (H=7.0");
        assertThat(Files.size(dir.resolve("pad.bin"))).isEqualTo(2097120);
        assertThat(Processes.run(List.of("sha256sum", "-c", "pad.bin.sha256"), null, dir, Duration.ofMinutes(1))
                        .exitCode())
                .isZero();
        assertThat(keygen(dir, "verify", "pad.bin").exitCode()).isZero();
    }

    @Test
    void unknownTokenNamesThoseThatExist() throws Exception {
        Path dir = Files.createTempDirectory(home, "out");
        Processes.Result r = keygen(
                dir,
                "generate",
                "pad.bin",
                "--size",
                "1MiB",
                "--source",
                "pkcs11:token=no-such-token?module-path=" + MODULE);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr().strip())
                .doesNotContain("\n")
                .contains("no-such-token")
                .contains("keygen-rng");
        assertThat(Files.list(dir).count()).isZero();
    }

    @Test
    void missingModuleIsAOneLineError() throws Exception {
        Path dir = Files.createTempDirectory(home, "out");
        Processes.Result r = keygen(
                dir,
                "generate",
                "pad.bin",
                "--size",
                "1MiB",
                "--source",
                "pkcs11:token=keygen-rng?module-path=/nonexistent/libnothing.so");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr().strip()).doesNotContain("\n").contains("/nonexistent/libnothing.so");
    }
}
