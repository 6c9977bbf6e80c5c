package dev.psk.tunnel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.cli.CliRunner;
import dev.psk.common.cli.VersionProvider;
import dev.psk.tunnel.testing.MemoryTun;
import dev.psk.tunnel.testing.TestPads;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A point-to-point pair with {@code --handshake psk}: {@code show} prints the mode, the latest
 * handshake and the last packet received; the metrics endpoint, scraped over loopback, has the
 * scheme the hub has (interface and peer labels, timestamps, build info).
 */
class ShowMetricsP2pTest {
    @TempDir
    Path dir;

    @Test
    void showAndMetricsCarryHandshakeAndReceiveTimes() throws Exception {
        Path pad = TestPads.create(dir, "pad", 50, 7);
        int portA = TestDaemon.freePort(), portB = TestDaemon.freePort();
        MemoryTun tunA = new MemoryTun("sma", 1420, 64), tunB = new MemoryTun("smb", 1420, 64);
        TestDaemon b = TestDaemon.start(dir, pad, "b", portB, portA, false, tunB, "0", "--handshake", "psk");
        TestDaemon a = TestDaemon.start(
                dir, pad, "a", portA, portB, true, tunA, "0", "--handshake", "psk", "--metrics", "127.0.0.1:0");
        try {
            a.awaitFile(dir.resolve("a-status.json"));
            byte[] p = new byte[80];
            p[0] = 0x45;
            byte[] got = null;
            for (int i = 0; i < 50 && got == null; i++) { // data flows once the handshake completes
                tunA.inject(p);
                got = tunB.take(200);
            }
            assertThat(got).as("a packet through the tunnel").isNotNull();
            tunB.inject(p);
            assertThat(tunA.take(3000)).isNotNull();
            Thread.sleep(2100); // the tick samples the receive and rewrites the status file

            StringWriter out = new StringWriter();
            CommandLine cl = CliRunner.commandLine(new PskTunnel());
            cl.setOut(new PrintWriter(out));
            assertThat(cl.execute(
                            "show",
                            "--status-file",
                            dir.resolve("a-status.json").toString()))
                    .isZero();
            assertThat(out.toString())
                    .contains("  state: running (pid " + ProcessHandle.current().pid() + ")", "  handshake: psk\n")
                    .containsPattern("\n  latest handshake: (now|[0-9] seconds? ago)\n")
                    .containsPattern("\n  last packet received: (now|[0-9] seconds? ago)\n")
                    .doesNotContain("identity 0000000000000000");

            Matcher url =
                    Pattern.compile("metrics (http://\\S+)").matcher(a.out().toString(StandardCharsets.UTF_8));
            assertThat(url.find()).isTrue();
            String text;
            try (HttpClient http = HttpClient.newHttpClient()) {
                text = http.send(
                                HttpRequest.newBuilder(URI.create(url.group(1))).build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
            }
            long now = System.currentTimeMillis() / 1000;
            assertThat(text)
                    .contains("psk_tunnel_build_info{version=\"" + VersionProvider.VERSION + "\"} 1.0")
                    .contains("psk_tunnel_peer_info{fingerprint=\"\",interface=\"sma\",peer=\"127.0.0.1\"} 1.0")
                    .contains("psk_tunnel_rx_packets_total{interface=\"sma\",peer=\"127.0.0.1\"} 1.0")
                    .contains("psk_tunnel_pad_data_slots{interface=\"sma\"}");
            for (String gauge : new String[] {"latest_handshake", "last_receive"}) {
                Matcher m = Pattern.compile("psk_tunnel_peer_" + gauge
                                + "_seconds\\{interface=\"sma\",peer=\"127.0.0.1\"} ([0-9.E]+)")
                        .matcher(text);
                assertThat(m.find()).as(gauge).isTrue();
                assertThat((long) Double.parseDouble(m.group(1))).as(gauge).isBetween(now - 30, now + 1);
            }
        } finally {
            a.daemon().requestStop("test");
            b.daemon().requestStop("test");
        }
        assertThat(a.result().get(10, TimeUnit.SECONDS)).isZero();
        assertThat(b.result().get(10, TimeUnit.SECONDS)).isZero();
    }
}
