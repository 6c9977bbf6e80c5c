package dev.psk.tunnel.io.tun;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * TCP through two real TUN devices with offloads, against the kernel's own TCP stacks: namespace A's
 * device is read by a Java relay (user-space segmentation of the kernel's 64 KiB frames) and written
 * into namespace B's device (user-space coalescing into GSO frames with partial checksums), and back.
 * A wrong checksum, length or sequence number in either direction would stall or corrupt the
 * transfer, so the SHA-256 comparison checks the offload code against the kernel, not against itself.
 */
@Tag("root")
class TunOffloadRootTest {
    private static final int MTU = 1420;
    private static final int BYTES = 24 << 20;

    @SuppressWarnings("try") // resources held for their lifetime, closed by try
    @ParameterizedTest(name = "offload {0}, IPv6 {1}")
    @CsvSource({"true, false", "false, false", "true, true"})
    void tcpTransferArrivesIntactThroughTheOffloadedDevices(boolean offload, boolean v6) throws Exception {
        try (NetnsThread a = new NetnsThread();
                NetnsThread b = new NetnsThread()) {
            LinuxTun tunA = a.call(() -> open(offload, "10.203.0.1", "10.203.0.2"));
            LinuxTun tunB = b.call(() -> open(offload, "10.203.0.2", "10.203.0.1"));
            String host = v6 ? "fd00:203::2" : "10.203.0.2";
            if (v6) {
                ipv6(a, tunA, "fd00:203::1");
                ipv6(b, tunB, "fd00:203::2");
            }
            AtomicBoolean stop = new AtomicBoolean();
            Thread ab = relay(tunA, tunB, stop);
            Thread ba = relay(tunB, tunA, stop);
            try (ServerSocket server = b.call(() -> new ServerSocket(5201, 1, InetAddress.getByName(host)))) {
                CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> drain(server));
                byte[] chunk = new byte[256 * 1024];
                new Random(3).nextBytes(chunk);
                MessageDigest sent = MessageDigest.getInstance("SHA-256");
                try (Socket client = a.call(() -> {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress(host, 5201), 10_000);
                    return s;
                })) {
                    client.setSoTimeout(30_000);
                    OutputStream out = client.getOutputStream();
                    for (int done = 0; done < BYTES; done += chunk.length) {
                        chunk[0] = (byte) done; // every chunk differs
                        out.write(chunk);
                        sent.update(chunk);
                    }
                    client.shutdownOutput();
                    assertThat(received.get(60, TimeUnit.SECONDS))
                            .isEqualTo(HexFormat.of().formatHex(sent.digest()));
                }
            } finally {
                stop.set(true);
                tunA.close();
                tunB.close();
                ab.join(5000);
                ba.join(5000);
            }
            if (offload) {
                assertThat(tunA.offload()).isTrue();
                assertThat(tunA.gsoFrames())
                        .as("the sending kernel handed over 64 KiB frames")
                        .isPositive();
                assertThat(tunB.coalescedPackets())
                        .as("segments were joined for the receiving kernel")
                        .isPositive();
                assertThat(tunB.coalescing())
                        .as("the kernel took the joined frames")
                        .isTrue();
            } else {
                assertThat(tunA.gsoFrames()).isZero();
                assertThat(tunB.coalescedPackets()).isZero();
            }
            assertThat(tunA.malformedFrames() + tunB.malformedFrames()).isZero();
        }
    }

    /** Turns IPv6 on in the namespace (NetnsThread turns it off) and adds {@code address}/64, no DAD. */
    private static void ipv6(NetnsThread ns, LinuxTun tun, String address) throws Exception {
        ns.exec("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=0").requireSuccess("enable IPv6");
        ns.exec("sysctl", "-qw", "net.ipv6.conf." + tun.name() + ".disable_ipv6=0")
                .requireSuccess("enable IPv6 on " + tun.name());
        ns.exec("ip", "-6", "addr", "add", address + "/64", "dev", tun.name(), "nodad")
                .requireSuccess("ip -6 addr add");
    }

    private static LinuxTun open(boolean offload, String local, String remote) throws Exception {
        LinuxTun tun = LinuxTun.open("tsysoff%d", MTU, offload);
        try {
            TunConfigurator.configure(tun.name(), local, remote, MTU);
            return tun;
        } catch (Exception e) {
            tun.close();
            throw e;
        }
    }

    /** Moves packets from one device to the other as the tunnel's two paths do: batch, then flush. */
    private static Thread relay(LinuxTun from, LinuxTun to, AtomicBoolean stop) {
        Thread t = new Thread(
                () -> {
                    ByteBuffer buf = ByteBuffer.allocateDirect(MTU + 64);
                    try {
                        while (!stop.get()) {
                            buf.clear();
                            if (from.read(buf) < 0) {
                                return;
                            }
                            do {
                                to.write(buf.flip());
                                buf.clear();
                            } while (from.readNow(buf) > 0);
                            to.flush();
                        }
                    } catch (Exception e) {
                        if (!stop.get()) {
                            throw new IllegalStateException(e);
                        }
                    }
                },
                "offload-relay");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static String drain(ServerSocket server) {
        try (Socket s = server.accept();
                InputStream in = s.getInputStream()) {
            s.setSoTimeout(30_000);
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            long total = 0;
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
                total += n;
            }
            assertThat(total).isEqualTo(BYTES);
            return HexFormat.of().formatHex(md.digest());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
