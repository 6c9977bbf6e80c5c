package dev.psk.tunnel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.cli.CliRunner;
import dev.psk.tunnel.cli.hub.HubTunnelCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue #12: flags that would publish a PIN or show an unverified identity under a pinned name are
 * usage errors (exit 2, one line, the PIN never echoed), before any pad, token or TUN is opened.
 */
class IdentityFlagRulesTest {
    private static final String PIN_IN_URI = "pkcs11:token=dev;object=identity?module-path=/x.so&pin-value=918273";
    private static final String PIN_ENCODED = "pkcs11:token=dev;object=identity?pin-value=%39%31%38%32%37%33";
    private static final String PIN_FROM_FILE = "pkcs11:token=dev;object=identity?module-path=/x.so&pin-source=file:/p";

    @TempDir
    Path dir;

    record Run(int code, String err) {}

    private static Run run(Object command, String... args) {
        CommandLine cl = CliRunner.commandLine(command);
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        return new Run(cl.execute(args), err.toString());
    }

    private Run p2p(String... extra) {
        String[] base = {
            "--psk", dir.resolve("absent-pad").toString(),
            "--remote-host", "127.0.0.1",
            "--local-ip", "10.9.0.1",
            "--remote-ip", "10.9.0.2",
            "--state", dir.resolve("s.json").toString()
        };
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return run(new PskTunnel(), args);
    }

    private static void assertPinRefused(Run r, String flag) {
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err())
                .contains(flag + ": the URI carries pin-value")
                .contains("/proc/PID/cmdline")
                .doesNotContain("918273")
                .doesNotContain("Exception");
        assertThat(r.err().strip().lines().filter(l -> l.contains("pin-value"))).hasSize(1);
    }

    @Test
    void pinValueInTheIdentityUriIsRefusedInEveryMode() {
        for (String mode : new String[] {"signed", "attested", "psk", "off"}) {
            Run r = p2p(
                    "--handshake",
                    mode,
                    "--identity",
                    PIN_IN_URI,
                    "--peers",
                    dir.resolve("p").toString());
            assertPinRefused(r, "--identity");
        }
        assertPinRefused(p2p("--handshake", "signed", "--identity", PIN_ENCODED, "--peers", "p"), "--identity");
    }

    @Test
    void pinSourceIsNotRefused() {
        Run r = p2p(
                "--handshake",
                "signed",
                "--identity",
                PIN_FROM_FILE,
                "--peers",
                dir.resolve("p").toString());
        assertThat(r.err()).doesNotContain("pin-value").doesNotContain("--peers needs");
        assertThat(r.code()).as("fails later, on the missing pad: %s", r.err()).isEqualTo(1);
    }

    @Test
    void pskModeWithPinnedPeersIsRefused() {
        Run r = p2p("--handshake", "psk", "--peers", dir.resolve("peers").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .contains("--peers needs --handshake signed or attested")
                .contains("unverified");
        Run plain = p2p("--handshake", "psk");
        assertThat(plain.code())
                .as("psk alone is fine until the missing pad: %s", plain.err())
                .isEqualTo(1);
    }

    @Test
    void pinValueInTheHubClientsIdentityKeyIsRefused() {
        Run r = run(
                new HubTunnelCommand(),
                "client",
                "--config",
                dir.resolve("absent.json").toString(),
                "--identity-key",
                PIN_IN_URI);
        assertPinRefused(r, "--identity-key");
        Run ok = run(
                new HubTunnelCommand(),
                "client",
                "--config",
                dir.resolve("absent.json").toString(),
                "--identity-key",
                PIN_FROM_FILE);
        assertThat(ok.code())
                .as("fails on the missing config instead: %s", ok.err())
                .isEqualTo(1);
        assertThat(ok.err()).contains("absent.json");
    }
}
