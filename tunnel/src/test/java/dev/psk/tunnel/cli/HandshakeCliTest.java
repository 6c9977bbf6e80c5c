package dev.psk.tunnel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.cli.CliRunner;
import dev.psk.tunnel.io.tun.TunDevice;
import dev.psk.tunnel.testing.MemoryTun;
import dev.psk.tunnel.testing.TestPads;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code psk-tunnel --handshake …}: flag validation and two daemons (in-memory TUN, loopback UDP). */
class HandshakeCliTest {
    @TempDir
    Path dir;

    private String[] base() {
        return new String[] {
            "--psk",
            dir.resolve("pad").toString(),
            "--remote-host",
            "127.0.0.1",
            "--local-ip",
            "10.9.0.1",
            "--remote-ip",
            "10.9.0.2",
            "--state",
            dir.resolve("s.json").toString()
        };
    }

    private int usage(StringWriter err, String... extra) {
        CommandLine cl = CliRunner.commandLine(new PskTunnel());
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        String[] args = java.util.Arrays.copyOf(base(), base().length + extra.length);
        System.arraycopy(extra, 0, args, base().length, extra.length);
        return cl.execute(args);
    }

    @Test
    void contradictoryHandshakeFlagsAreUsageErrors() {
        StringWriter err = new StringWriter();
        assertThat(usage(err, "--handshake", "signed")).isEqualTo(2);
        assertThat(err.toString())
                .contains("--handshake signed needs --identity URI")
                .doesNotContain("Exception");
        err = new StringWriter();
        assertThat(usage(err, "--identity", "pkcs11:token=x")).isEqualTo(2);
        assertThat(err.toString()).contains("need --handshake psk, signed or attested");
        err = new StringWriter();
        assertThat(usage(err, "--handshake", "bogus")).isEqualTo(2);
        assertThat(err.toString()).contains("expected off, psk, signed or attested");
        err = new StringWriter();
        assertThat(usage(err, "--handshake", "attested", "--identity", "pkcs11:token=x", "--peers", "p"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--handshake attested needs --attest TPM");
        err = new StringWriter();
        assertThat(usage(
                        err,
                        "--handshake",
                        "attested",
                        "--identity",
                        "pkcs11:token=x",
                        "--peers",
                        "p",
                        "--policy",
                        "f"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--policy and --peer-ak go together");
        err = new StringWriter();
        assertThat(usage(err, "--handshake", "psk", "--rekey-interval", "121s")).isEqualTo(2);
        assertThat(err.toString()).contains("--rekey-interval: expected more than 0 and at most 120s");
    }

    @Test
    void pskHandshakeGatesDataThenCarriesIt() throws Exception {
        Path pad = TestPads.create(dir, "pad", 50, 21);
        int portA = TestDaemon.freePort(), portB = TestDaemon.freePort();
        MemoryTun tunA = new MemoryTun("ha", 1420, 256), tunB = new MemoryTun("hb", 1420, 256);
        TestDaemon b = daemon(pad, "b", portB, portA, false, tunB, "--handshake", "psk");
        TestDaemon a = daemon(pad, "a", portA, portB, true, tunA, "--handshake", "psk");
        try {
            for (int i = 0;
                    i < 300
                            && !(a.err().toString().contains("handshake: established")
                                    && b.err().toString().contains("handshake: established"));
                    i++) {
                Thread.sleep(50);
            }
            byte[] p = new byte[100];
            p[0] = 0x45;
            p[9] = 7;
            tunA.inject(p);
            byte[] got = tunB.take(5000);
            assertThat(got).isNotNull();
            assertThat(got[9]).isEqualTo((byte) 7);
        } finally {
            a.daemon().requestStop("test");
            b.daemon().requestStop("test");
        }
        assertThat(a.result().get(10, TimeUnit.SECONDS)).isZero();
        assertThat(b.result().get(10, TimeUnit.SECONDS)).isZero();
        assertThat(b.err().toString()).contains("psk-tunnel: handshake: established with 127.0.0.1:" + portA);
        assertThat(a.out().toString()).contains("handshake psk, identity 0000000000000000; data waits for it");
    }

    @Test
    void differentPadsAreNamedByBothDaemons() throws Exception {
        Path padA = TestPads.create(dir, "padA", 50, 1);
        Path padB = TestPads.create(dir, "padB", 50, 2);
        int portA = TestDaemon.freePort(), portB = TestDaemon.freePort();
        TestDaemon b = daemon(padB, "b", portB, portA, false, new MemoryTun("hb", 1420, 16), "--handshake", "psk");
        TestDaemon a = daemon(padA, "a", portA, portB, true, new MemoryTun("ha", 1420, 16), "--handshake", "psk");
        try {
            for (int i = 0;
                    i < 100
                            && !(a.err().toString().contains("different pad")
                                    && b.err().toString().contains("different pad"));
                    i++) {
                Thread.sleep(50);
            }
        } finally {
            a.daemon().requestStop("test");
            b.daemon().requestStop("test");
        }
        a.result().get(10, TimeUnit.SECONDS);
        b.result().get(10, TimeUnit.SECONDS);
        assertThat(a.err().toString()).contains("uses a different pad");
        assertThat(b.err().toString()).contains("uses a different pad").doesNotContain("established");
    }

    private TestDaemon daemon(
            Path pad, String name, int local, int remote, boolean initiator, TunDevice tun, String... extra) {
        return TestDaemon.start(dir, pad, name, local, remote, initiator, tun, "0", extra);
    }
}
