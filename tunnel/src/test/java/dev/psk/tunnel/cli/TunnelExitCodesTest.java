package dev.psk.tunnel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.cli.ExitCodes;
import dev.psk.common.testing.HelpLint;
import dev.psk.common.testing.InProcessCli;
import dev.psk.common.testing.InProcessCli.Run;
import dev.psk.tunnel.testing.TestPads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, exit codes of {@code psk-tunnel}: a wrong argument is a usage error (2) with one line
 * naming the flag and the value, found before the pad, state, socket or TUN device is touched; a
 * pad that is not a pad stops with 3 (do not restart). Run in-process, as an operator would type it.
 */
class TunnelExitCodesTest {
    @TempDir
    Path dir;

    private static Run cli(String... args) {
        return InProcessCli.run(new PskTunnel(), args);
    }

    /** The point-to-point flags up to the ones under test; a missing pad would fail with exit 1 if reached. */
    private Run p2p(String localIp, String... more) {
        String[] base = {
            "--psk",
            dir.resolve("absent-pad").toString(),
            "--remote-host",
            "127.0.0.1",
            "--local-ip",
            localIp,
            "--remote-ip",
            "10.9.0.2",
            "--state",
            dir.resolve("state.json").toString(),
            "--status-file",
            dir.resolve("status.json").toString(),
            "--local-port",
            "0"
        };
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return cli(all);
    }

    private void assertUsage(Run r, String... fragments) {
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines().findFirst().orElseThrow())
                .startsWith("psk-tunnel: ")
                .contains(fragments);
        assertThat(r.err())
                .doesNotContain("Exception")
                .doesNotContain("does not exist"); // stopped before the (missing) pad was opened
        assertThat(dir.resolve("state.json")).doesNotExist();
    }

    @Test
    void aBadTunnelAddressIsAUsageError() {
        assertUsage(
                p2p("10.0.0.300"), "--local-ip must be a dotted-quad IPv4 address such as 10.0.0.1, not '10.0.0.300'");
        assertUsage(p2p("10.9.0.2"), "--local-ip and --remote-ip are both 10.9.0.2");
        assertUsage(p2p("tunnel.example"), "--local-ip", "'tunnel.example'");
    }

    @Test
    void aBadInterfaceNameIsAUsageError() {
        assertUsage(p2p("10.9.0.1", "--tun", "abcdefghijklmnopq"), "--tun:", "is 17 bytes: at most 15 allowed");
        assertUsage(p2p("10.9.0.1", "--tun", "psk/0"), "--tun:", "contains '/'");
        assertUsage(p2p("10.9.0.1", "--tun", ".."), "--tun:", "not a valid interface name");
    }

    @Test
    void aTypoInTheIdentityUriIsAUsageErrorNamingTheAttribute() {
        Run r = p2p(
                "10.9.0.1",
                "--handshake",
                "signed",
                "--identity",
                "pkcs11:tokn=dev;object=identity?module-path=/usr/lib/softhsm/libsofthsm2.so",
                "--peers",
                dir.resolve("peers").toString());
        assertUsage(r, "--identity: URI attribute \"tokn\" is not a standard PKCS#11 URI attribute", "\"token\"?");
        Run syntax = p2p(
                "10.9.0.1",
                "--handshake",
                "signed",
                "--identity",
                "pkcs11:token=dev;;",
                "--peers",
                dir.resolve("peers").toString());
        assertUsage(syntax, "--identity: PKCS#11 URI: at position");
    }

    @Test
    void aMetricsPortOutOfRangeIsAUsageErrorWithoutJdkText() {
        assertUsage(p2p("10.9.0.1", "--metrics", "127.0.0.1:99999"), "--metrics port must be 0..65535, not 99999");
        Run hub = cli("hub", "server", "--config", dir.resolve("absent.json").toString(), "--metrics-port", "99999");
        assertThat(hub.code()).as(hub.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(hub.err())
                .startsWith("psk-tunnel hub server: --metrics-port port must be 0..65535, not 99999")
                .doesNotContain("out of range:");
    }

    @Test
    void theHubGroupWithoutASubcommandIsAUsageError() {
        HelpLint.assertGroupWithoutSubcommandIsAUsageError(PskTunnel::new, "psk-tunnel hub");
        HelpLint.assertGroupWithoutSubcommandIsAUsageError(
                dev.psk.tunnel.cli.hub.HubTunnelCommand::new, "hub"); // the hub's own entry point
    }

    private Run withPadAndState(Path pad, Path state) {
        return cli(
                "--psk", pad.toString(),
                "--remote-host", "127.0.0.1",
                "--local-ip", "10.9.0.1",
                "--remote-ip", "10.9.0.2",
                "--state", state.toString(),
                "--status-file", dir.resolve("status.json").toString(),
                "--local-port", "0");
    }

    @Test
    void aDirectoryGivenAsPadOrStateIsNamedAsSuch() throws Exception {
        Run padDir = withPadAndState(dir, dir.resolve("state.json"));
        assertThat(padDir.code()).as(padDir.err()).isEqualTo(ExitCodes.DO_NOT_RESTART);
        assertThat(padDir.err()).isEqualTo("psk-tunnel: pad " + dir + " is a directory: expected the pad file\n");
        Path pad = TestPads.create(dir, "pad", 20, 8);
        Run stateDir = withPadAndState(pad, dir);
        assertThat(stateDir.code()).as(stateDir.err()).isEqualTo(ExitCodes.FAILURE);
        assertThat(stateDir.err())
                .isEqualTo("psk-tunnel: state file " + dir + ": cannot read: is a directory\n")
                .doesNotContain("corrupt");
    }

    @Test
    void anUnreadablePadOrStateSaysPermissionDenied() throws Exception {
        Path unreadable = Path.of("/proc/sys/vm/drop_caches"); // write-only, even for root
        boolean denied;
        try {
            Files.readAllBytes(unreadable);
            denied = false;
        } catch (java.io.IOException e) {
            denied = Files.exists(unreadable);
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(denied, "needs a file this user cannot read");
        Run pad = withPadAndState(unreadable, dir.resolve("state.json"));
        assertThat(pad.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(pad.err()).isEqualTo("psk-tunnel: cannot read pad " + unreadable + ": permission denied\n");
        Run state = withPadAndState(TestPads.create(dir, "pad", 20, 9), unreadable);
        assertThat(state.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(state.err())
                .isEqualTo("psk-tunnel: state file " + unreadable + ": cannot read: permission denied\n");
    }

    @Test
    void aTruncatedPadStopsWithDoNotRestartAndTheVerifyHint() throws Exception {
        Path pad = TestPads.create(dir, "pad", 20, 7);
        Files.write(pad, new byte[37], StandardOpenOption.APPEND); // a partial trailing slot
        Run r = cli(
                "--psk", pad.toString(),
                "--remote-host", "127.0.0.1",
                "--local-ip", "10.9.0.1",
                "--remote-ip", "10.9.0.2",
                "--state", dir.resolve("state.json").toString(),
                "--status-file", dir.resolve("status.json").toString(),
                "--local-port", "0");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.DO_NOT_RESTART);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err())
                .startsWith("psk-tunnel: pad " + pad + ": size 2437 is not a whole number of 120-byte slots"
                        + " (37 bytes past the last slot)")
                .contains("psk-keygen verify");
        assertThat(dir.resolve("state.json")).doesNotExist();
    }
}
