package dev.psk.tunnel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.cli.CliRunner;
import dev.psk.tunnel.io.TunDevice;
import dev.psk.tunnel.state.StateFile;
import dev.psk.tunnel.testing.MemoryTun;
import dev.psk.tunnel.testing.TestPads;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI without root: usage errors, and two daemons over loopback with in-memory TUN devices. */
class PskTunnelCliTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {}

    private static Run cli(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = CliRunner.commandLine(new PskTunnel());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void usageErrorsExitTwoWithOneLine() throws Exception {
        Path pad = TestPads.create(dir, "pad", 10, 1);
        String[] base = {"--psk", pad.toString(), "--remote-host", "127.0.0.1", "--local-ip", "10.9.0.1", "--remote-ip", "10.9.0.2"};
        assertThat(cli().code()).isEqualTo(2);
        assertThat(cli(concat(base, "--mtu", "10")).err()).contains("--mtu must be");
        assertThat(cli(concat(base, "--mtu", "10")).code()).isEqualTo(2);
        assertThat(cli(concat(base, "--replay-window", "1")).code()).isEqualTo(2);
        assertThat(cli(concat(base, "--stats-interval", "soon")).code()).isEqualTo(2);
        assertThat(cli(concat(base, "--metrics", "nope")).code()).isEqualTo(2);
        assertThat(cli(concat(base, "--aead", "rot13")).code()).isEqualTo(2);
        assertThat(cli("--help").code()).isZero();
        assertThat(cli("--help").out()).contains("--psk", "--local-port", "--remote-host", "--remote-port", "--initiator",
                "--local-ip", "--remote-ip", "--state", "--tun", "--mtu", "--replay-window", "--stats-interval", "--metrics");
        assertThat(cli("--version").out()).contains("psk-tunnel");
    }

    @Test
    void corruptStateIsAOneLineFailure() throws Exception {
        Path pad = TestPads.create(dir, "pad", 10, 2);
        Path state = dir.resolve("s.json");
        Files.writeString(state, "{garbage");
        Run r = cli("--psk", pad.toString(), "--remote-host", "127.0.0.1", "--local-ip", "10.9.0.1", "--remote-ip", "10.9.0.2",
                "--state", state.toString(), "--local-port", "0", "--status-file", dir.resolve("st.json").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip().lines().count()).isEqualTo(1);
        assertThat(r.err()).contains(state.toString(), "corrupt").doesNotContain("Exception");
    }

    @Test
    void twoDaemonsCarryTrafficReportStatusAndStopCleanly() throws Exception {
        Path pad = TestPads.create(dir, "pad", 50, 3);
        int portA = freePort(), portB = freePort();
        MemoryTun tunA = new MemoryTun("ta", 1420, 1024), tunB = new MemoryTun("tb", 1420, 1024);
        Daemon a = daemon(pad, "a", portA, portB, true, tunA);
        Daemon b = daemon(pad, "b", portB, portA, false, tunB);
        try {
            awaitFile(dir.resolve("a-status.json"), a);
            awaitFile(dir.resolve("b-status.json"), b);
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
            assertThat(cl.execute("show", "--status-file", dir.resolve("b-status.json").toString())).isZero();
            assertThat(show.toString()).contains("interface: tb", "role: responder", "peer: 127.0.0.1", "100 received",
                    "slots:", "fingerprint");
        } finally {
            a.daemon.requestStop("test");
            b.daemon.requestStop("test");
        }
        assertThat(a.result.get(10, TimeUnit.SECONDS)).isZero();
        assertThat(b.result.get(10, TimeUnit.SECONDS)).isZero();
        assertThat(a.out.toString()).contains("psk-tunnel: initiator on ta", "stats: tx 100 packets", "pad: ", "stopped");
        assertThat(StateFile.read(dir.resolve("a.json")).txReservedUntil()).as("exact after a clean stop").isEqualTo(100);
        assertThat(StateFile.read(dir.resolve("b.json")).rxFloor()).isEqualTo(100);
        assertThat(Files.exists(dir.resolve("a-status.json"))).as("status removed").isFalse();
        assertThat(tunA.read(java.nio.ByteBuffer.allocate(10))).as("TUN closed").isEqualTo(-1);
    }

    private record Daemon(TunnelDaemon daemon, CompletableFuture<Integer> result, ByteArrayOutputStream out) {}

    private Daemon daemon(Path pad, String name, int local, int remote, boolean initiator, MemoryTun tun) {
        PskTunnel opts = new PskTunnel();
        List<String> args = new ArrayList<>(List.of("--psk", pad.toString(), "--remote-host", "127.0.0.1",
                "--local-port", "" + local, "--remote-port", "" + remote, "--local-ip", "10.9.0.1", "--remote-ip", "10.9.0.2",
                "--state", dir.resolve(name + ".json").toString(), "--tun", tun.name(), "--stats-interval", "1s",
                "--status-file", dir.resolve(name + "-status.json").toString()));
        if (initiator) {
            args.add("--initiator");
        }
        new CommandLine(opts).parseArgs(args.toArray(String[]::new));
        opts.validate();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TunFactory f = new TunFactory() {
            @Override
            public TunDevice open(String n, int mtu) {
                return tun;
            }

            @Override
            public void configure(String n, String l, String r, int mtu) {}
        };
        TunnelDaemon d = new TunnelDaemon(opts, f, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        CompletableFuture<Integer> result = CompletableFuture.supplyAsync(() -> {
            try {
                return d.run();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, r -> Thread.ofPlatform().daemon(true).start(r)); // not the common pool: it may have one thread
        return new Daemon(d, result, out);
    }

    private static void awaitFile(Path f, Daemon d) throws Exception {
        for (int i = 0; i < 100 && !Files.exists(f); i++) {
            if (d.result.isDone()) {
                d.result.get(); // surfaces the daemon's failure
            }
            Thread.sleep(50);
        }
        assertThat(f).exists();
    }

    private static int freePort() throws IOException {
        try (DatagramChannel c = DatagramChannel.open()) {
            c.bind(new InetSocketAddress("127.0.0.1", 0));
            return ((InetSocketAddress) c.getLocalAddress()).getPort();
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
