package dev.psk.tunnel.cli.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.cli.CliRunner;
import dev.psk.common.cli.ExitCodes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** psk-tunnel hub server/client: usage, version, and one-line errors for bad configurations (before any TUN is opened). */
class HubTunnelCommandTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        return runRoot(new HubTunnelCommand(), args);
    }

    static Run runRoot(Object root, String... args) {
        CommandLine cl = CliRunner.commandLine(root);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return new Run(cl.execute(args), out.toString(), err.toString());
    }

    @Test
    void helpVersionAndUsageErrors() {
        assertThat(run("--version").code()).isZero();
        Run help = run("server", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("--config").contains("--metrics[=ADDR]");
        assertThat(help.out()).as("the old spelling is accepted, not shown").doesNotContain("--metrics-port");
        assertThat(run("client", "--help").out()).contains("--identity-key");
        Run missing = run("server");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("--config");
    }

    @Test
    void metricsHasOneSpellingForServerAndClientAndTheOldOneStillParses() throws Exception {
        String absent = dir.resolve("absent.json").toString();
        Run old = run("server", "--config", absent, "--metrics-port", "9464");
        assertThat(old.code()).as("accepted, then the config fails").isEqualTo(ExitCodes.DO_NOT_RESTART);
        assertThat(old.err()).contains("absent.json: cannot read").doesNotContain("Unknown option");
        for (String mode : new String[] {"server", "client"}) {
            assertThat(run(mode, "--config", absent, "--metrics").code())
                    .as(mode + " --metrics without a value")
                    .isEqualTo(ExitCodes.DO_NOT_RESTART);
            Run bad = run(mode, "--config", absent, "--metrics", "127.0.0.1:99999");
            assertThat(bad.code())
                    .as(mode + ": a usage error, before the config is read")
                    .isEqualTo(2);
            assertThat(bad.err()).contains("--metrics port must be 0..65535, not 99999");
        }
        assertThat(run("server", "--config", absent, "--metrics-port", "99999").err())
                .contains("--metrics-port port must be 0..65535, not 99999");
    }

    @Test
    void badConfigurationsFailWithOneLineNamingTheField() throws Exception {
        Run none = run("server", "--config", dir.resolve("absent.json").toString());
        assertThat(none.code()).isEqualTo(ExitCodes.DO_NOT_RESTART); // a bad config: systemd must not restart
        assertThat(none.err()).contains("absent.json: cannot read");
        Path bad = dir.resolve("hub.json");
        Files.writeString(bad, "{\"ListenPort\": 51820, \"AllowedClients\": []}");
        Run r = run("server", "--config", bad.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.DO_NOT_RESTART); // a bad config: systemd must not restart
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains("ServerX25519PrivateKey: is missing");
        Path client = dir.resolve("c.json");
        Files.writeString(client, "{\"Name\": \"a\"}");
        Run c = run("client", "--config", client.toString());
        assertThat(c.code()).isEqualTo(ExitCodes.DO_NOT_RESTART); // a bad config: systemd must not restart
        assertThat(c.err()).contains("ClientX25519PrivateKey: is missing");
        Run pinWithoutKey = run("client", "--config", client.toString(), "--pin-file", "x");
        assertThat(pinWithoutKey.code()).isEqualTo(ExitCodes.DO_NOT_RESTART); // a bad config: systemd must not restart
    }

    @Test
    void pskTunnelDispatchesToTheHubGroupWithoutItsOwnRequiredOptions() throws Exception {
        Run help = runRoot(new dev.psk.tunnel.cli.PskTunnel(), "--help");
        assertThat(help.out()).containsPattern("(?m)^ +hub ");
        Path bad = dir.resolve("hub.json");
        Files.writeString(bad, "{\"ListenPort\": 51820, \"AllowedClients\": []}");
        Run r = runRoot(new dev.psk.tunnel.cli.PskTunnel(), "hub", "server", "--config", bad.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.DO_NOT_RESTART); // a bad config: systemd must not restart
        assertThat(r.err()).contains("ServerX25519PrivateKey: is missing").doesNotContain("--psk");
        // Without a subcommand the root still insists on its own options, with the same message.
        Run root = runRoot(new dev.psk.tunnel.cli.PskTunnel());
        assertThat(root.code()).isEqualTo(2);
        assertThat(root.err()).contains("missing required option --psk");
    }
}
