package dev.psk.tunnel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.cli.CliRunner;
import dev.psk.common.cli.ExitCodes;
import dev.psk.common.testing.InProcessCli;
import dev.psk.common.testing.InProcessCli.Run;
import dev.psk.tunnel.io.tun.TunDevice;
import dev.psk.tunnel.state.StateFile;
import dev.psk.tunnel.testing.MemoryTun;
import dev.psk.tunnel.testing.TestPads;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI without root: usage errors, and two daemons over loopback with in-memory TUN devices. */
class PskTunnelCliTest {
    @TempDir
    Path dir;

    private static Run cli(String... args) {
        return InProcessCli.run(new PskTunnel(), args);
    }

    @Test
    void usageErrorsExitTwoWithOneLine() throws Exception {
        Path pad = TestPads.create(dir, "pad", 10, 1);
        String[] base = {
            "--psk", pad.toString(), "--remote-host", "127.0.0.1", "--local-ip", "10.9.0.1", "--remote-ip", "10.9.0.2"
        };
        assertThat(cli().code()).isEqualTo(2);
        assertThat(cli(concat(base, "--mtu", "10")).err()).contains("--mtu must be");
        assertThat(cli(concat(base, "--mtu", "10")).code()).isEqualTo(2);
        assertThat(cli(concat(base, "--replay-window", "1")).code()).isEqualTo(2);
        assertThat(cli(concat(base, "--stats-interval", "soon")).code()).isEqualTo(2);
        assertThat(cli(concat(base, "--metrics", "nope")).code()).isEqualTo(2);
        assertThat(cli(concat(base, "--aead", "rot13")).code()).isEqualTo(2);
        assertThat(cli(concat(base, "--aead", "rot13")).err())
                .contains("--aead")
                .contains("expected auto, openssl or jce, not 'rot13'");
        assertThat(cli("--help").code()).isZero();
        assertThat(cli("--help").out())
                .contains(
                        "--psk",
                        "--local-port",
                        "--remote-host",
                        "--remote-port",
                        "--initiator",
                        "--local-ip",
                        "--remote-ip",
                        "--state",
                        "--tun",
                        "--mtu",
                        "--replay-window",
                        "--stats-interval",
                        "--metrics");
        assertThat(cli("--version").out()).contains("psk-tunnel");
    }

    @Test
    void corruptStateIsAOneLineFailure() throws Exception {
        Path pad = TestPads.create(dir, "pad", 10, 2);
        Path state = dir.resolve("s.json");
        Files.writeString(state, "{garbage");
        Run r = cli(
                "--psk",
                pad.toString(),
                "--remote-host",
                "127.0.0.1",
                "--local-ip",
                "10.9.0.1",
                "--remote-ip",
                "10.9.0.2",
                "--state",
                state.toString(),
                "--local-port",
                "0",
                "--status-file",
                dir.resolve("st.json").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip().lines().count()).isEqualTo(1);
        assertThat(r.err()).contains(state.toString(), "corrupt").doesNotContain("Exception");
    }

    @Test
    void twoDaemonsCarryTrafficReportStatusAndStopCleanly() throws Exception {
        Path pad = TestPads.create(dir, "pad", 50, 3);
        int portA = TestDaemon.freePort(), portB = TestDaemon.freePort();
        MemoryTun tunA = new MemoryTun("ta", 1420, 1024), tunB = new MemoryTun("tb", 1420, 1024);
        TestDaemon a = daemon(pad, "a", portA, portB, true, tunA);
        TestDaemon b = daemon(pad, "b", portB, portA, false, tunB);
        try {
            a.awaitFile(dir.resolve("a-status.json"));
            b.awaitFile(dir.resolve("b-status.json"));
            for (int i = 0; i < 100; i++) {
                byte[] p = new byte[100];
                p[0] = 0x45;
                p[9] = (byte) i;
                tunA.inject(p);
                byte[] got = tunB.take(5000);
                assertThat(got).isNotNull();
                assertThat(got[9]).isEqualTo((byte) i);
            }
            tunB.inject(new byte[] {0x45, 1, 2, 3});
            assertThat(tunA.take(5000)).containsExactly(0x45, 1, 2, 3);
            Thread.sleep(2200); // a stats line (interval 1s) and a status refresh
            StringWriter show = new StringWriter();
            CommandLine cl = CliRunner.commandLine(new PskTunnel());
            cl.setOut(new PrintWriter(show));
            assertThat(cl.execute(
                            "show",
                            "--status-file",
                            dir.resolve("b-status.json").toString()))
                    .isZero();
            assertThat(show.toString())
                    .contains(
                            "interface: tb",
                            "role: responder",
                            "peer: 127.0.0.1",
                            "100 received",
                            "slots:",
                            "fingerprint");
        } finally {
            a.daemon().requestStop("test");
            b.daemon().requestStop("test");
        }
        assertThat(a.result().get(10, TimeUnit.SECONDS)).isZero();
        assertThat(b.result().get(10, TimeUnit.SECONDS)).isZero();
        assertThat(a.out().toString())
                .contains("psk-tunnel: initiator on ta", "stats: tx 100 packets", "pad: ", "stopped");
        assertThat(StateFile.read(dir.resolve("a.json")).txReservedUntil())
                .as("exact after a clean stop")
                .isEqualTo(100);
        assertThat(StateFile.read(dir.resolve("b.json")).rxFloor()).isEqualTo(100);
        assertThat(Files.exists(dir.resolve("a-status.json")))
                .as("status removed")
                .isFalse();
        assertThat(tunA.read(java.nio.ByteBuffer.allocate(10))).as("TUN closed").isEqualTo(-1);
    }

    @Test
    void tunOffloadCountersAndReadDropsReachStatsAndMetrics() throws Exception {
        Path pad = TestPads.create(dir, "pad", 50, 3);
        int portA = TestDaemon.freePort(), portB = TestDaemon.freePort();
        MemoryTun tunA = new MemoryTun("oa", 1420, 1024), tunB = new MemoryTun("ob", 1420, 1024);
        TunDevice counting = new CountingTun(tunA); // as an offloading device reports: 7 cut, 11 joined, 3 dropped
        TestDaemon a = daemon(pad, "a", portA, portB, true, counting, "--metrics", "127.0.0.1:0");
        TestDaemon b = daemon(pad, "b", portB, portA, false, tunB);
        try {
            // Both ends up before the first packet: one sent before b's socket is bound is lost.
            a.awaitFile(dir.resolve("a-status.json"));
            b.awaitFile(dir.resolve("b-status.json"));
            byte[] p = new byte[60];
            p[0] = 0x45;
            tunA.inject(p); // one send batch, after which the send path reports the device's read drops
            assertThat(tunB.take(5000)).isNotNull();
            Thread.sleep(1300); // a stats line
            String banner = a.out().toString(StandardCharsets.UTF_8);
            java.util.regex.Matcher m =
                    java.util.regex.Pattern.compile("metrics (http://\\S+)").matcher(banner);
            assertThat(m.find()).as("metrics URL in the banner").isTrue();
            String scrape;
            try (var client = java.net.http.HttpClient.newHttpClient()) {
                scrape = client.send(
                                java.net.http.HttpRequest.newBuilder(java.net.URI.create(m.group(1)))
                                        .build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString())
                        .body();
            }
            assertThat(scrape)
                    .contains(
                            "psk_tunnel_tun_offload_frames_cut_total{interface=\"oa\"} 7.0",
                            "psk_tunnel_tun_offload_packets_joined_total{interface=\"oa\"} 11.0",
                            "psk_tunnel_drops_total{interface=\"oa\",peer=\"\",reason=\"tx_size\"} 3.0");
            assertThat(a.out().toString(StandardCharsets.UTF_8))
                    .contains("tx_size 3", "tun offload: 7 frames cut, 11 packets joined");
        } finally {
            a.daemon().requestStop("test");
            b.daemon().requestStop("test");
        }
        assertThat(a.result().get(10, TimeUnit.SECONDS)).isZero();
        assertThat(b.result().get(10, TimeUnit.SECONDS)).isZero(); // both stopped before the temp dir goes
    }

    /** A device that reports fixed offload counters and read drops, passing packets to a MemoryTun. */
    private record CountingTun(MemoryTun inner) implements TunDevice {
        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public int mtu() {
            return inner.mtu();
        }

        @Override
        public int read(java.nio.ByteBuffer dst) throws IOException {
            return inner.read(dst);
        }

        @Override
        public void write(java.nio.ByteBuffer src) throws IOException {
            inner.write(src);
        }

        @Override
        public long readDrops() {
            return 3;
        }

        @Override
        public long gsoFrames() {
            return 7;
        }

        @Override
        public long coalescedPackets() {
            return 11;
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    @Test
    void padExhaustionWarnsThenStopsCleanly() throws Exception {
        Path pad = TestPads.create(dir, "pad", 3, 4); // 2 data slots: 2000 packets per direction
        int portA = TestDaemon.freePort(), portB = TestDaemon.freePort();
        MemoryTun tunA = new MemoryTun("ea", 1420, 4096), tunB = new MemoryTun("eb", 1420, 4096);
        TestDaemon a = daemon(pad, "a", portA, portB, true, tunA);
        TestDaemon b = daemon(pad, "b", portB, portA, false, tunB);
        try {
            a.awaitFile(dir.resolve("a-status.json"));
            b.awaitFile(dir.resolve("b-status.json"));
            // 1850 packets (7.5 % left), then the first warning; 145 more (0.25 % left), then the
            // second; then past the end. Waiting for each warning, not for a fixed time, keeps the
            // stages apart however late the stats tick runs on a loaded machine.
            int sent = 0;
            String[] warnings = {"pad below 10%", "pad almost exhausted", null};
            int stage = 0;
            for (int target : new int[] {1850, 1995, 2100}) {
                for (; sent < target && !a.result().isDone(); sent++) {
                    try {
                        tunA.inject(new byte[] {0x45, 0, 0, 20});
                    } catch (IllegalStateException closed) {
                        break; // the daemon stopped and closed its TUN device
                    }
                    if (sent % 50 == 49) {
                        Thread.sleep(2);
                    }
                }
                String warning = warnings[stage++];
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (warning != null
                        && !a.err().toString(StandardCharsets.UTF_8).contains(warning)
                        && !a.result().isDone()
                        && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
            }
            assertThat(a.result().get(10, TimeUnit.SECONDS))
                    .as("exit code after exhaustion")
                    .isEqualTo(ExitCodes.PAD_EXHAUSTED);
            String err = a.err().toString(StandardCharsets.UTF_8);
            assertThat(err).contains("pad below 10%", "pad almost exhausted", "exhausted for sending", "new pad");
            assertThat(StateFile.read(dir.resolve("a.json")).txReservedUntil()).isEqualTo(2000);
        } finally {
            a.daemon().requestStop("test");
            b.daemon().requestStop("test");
            b.result().get(10, TimeUnit.SECONDS);
        }
    }

    private TestDaemon daemon(
            Path pad, String name, int local, int remote, boolean initiator, TunDevice tun, String... extra) {
        return TestDaemon.start(dir, pad, name, local, remote, initiator, tun, "1s", extra);
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
