package dev.psk.tunnel.io.tun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.psk.tunnel.io.DescriptorClosedException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The real TUN driver, in a namespace of its own: packets written by the kernel (ping) are read from
 * Java, and packets written from Java are answered by the kernel.
 */
@Tag("root")
class LinuxTunRootTest {
    private static final String LOCAL = "10.201.0.1";
    private static final String REMOTE = "10.201.0.2";
    private NetnsThread ns;

    @BeforeEach
    void namespace() throws Exception {
        ns = new NetnsThread();
    }

    @AfterEach
    void cleanup() throws Exception {
        if (ns != null) {
            ns.close();
        }
    }

    private LinuxTun openConfigured(String name, int mtu) throws Exception {
        return ns.call(() -> {
            LinuxTun tun = LinuxTun.open(name, mtu);
            try {
                TunConfigurator.configure(tun.name(), LOCAL, REMOTE, mtu);
            } catch (Exception e) {
                tun.close();
                throw e;
            }
            return tun;
        });
    }

    @SuppressWarnings("try") // resources held for their lifetime, closed by try
    @Test
    void pingThroughTheDeviceIsReadAndAnsweredFromJava() throws Exception {
        try (LinuxTun tun = openConfigured("tsys0", 1420)) {
            assertThat(ns.exec("ip", "-o", "link", "show", "tsys0").stdout())
                    .contains("mtu 1420")
                    .contains("UP");
            AtomicInteger answered = new AtomicInteger();
            CompletableFuture<Integer> responder = CompletableFuture.supplyAsync(() -> {
                ByteBuffer buf = ByteBuffer.allocateDirect(tun.mtu());
                try {
                    while (true) {
                        buf.clear();
                        int n = tun.read(buf);
                        if (n < 0) {
                            return answered.get();
                        }
                        buf.flip();
                        if (Icmp.isEchoRequest(buf, REMOTE)) {
                            Icmp.turnIntoReply(buf);
                            tun.write(buf);
                            answered.incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            var ping = ns.exec("ping", "-c", "3", "-i", "0.2", "-W", "2", "-s", "1000", REMOTE);
            assertThat(ping.exitCode()).as(ping.stdout() + ping.stderr()).isZero();
            assertThat(ping.stdout()).contains("3 received");
            tun.close();
            // close() unblocks the reader, which was waiting for the next packet.
            assertThat(responder.get(2, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(3);
        }
        assertThat(ns.exec("ip", "link", "show", "tsys0").exitCode())
                .as("interface gone after close")
                .isNotZero();
    }

    @Test
    void writeThenReadRoundTripAllocatesNothingPerPacket() throws Exception {
        try (LinuxTun tun = openConfigured("tsys1", 1420)) {
            ByteBuffer request = ByteBuffer.allocateDirect(1420);
            int len = Icmp.writeEchoRequest(request, REMOTE, LOCAL, 1000);
            ByteBuffer reply = ByteBuffer.allocateDirect(1420);
            roundTrips(tun, request, len, reply, 20_000); // warm-up: let C2 compile the path
            var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long tid = Thread.currentThread().threadId();
            long before = threads.getThreadAllocatedBytes(tid);
            int replies = roundTrips(tun, request, len, reply, 10_000);
            long allocated = threads.getThreadAllocatedBytes(tid) - before;
            assertThat(replies).isEqualTo(10_000);
            // 10k writes + 10k reads; a single allocation per call would be >= 320 KB.
            assertThat(allocated).as("bytes allocated over 10k round trips").isLessThan(16 * 1024);
        }
    }

    /** Sends an echo request to the local address and reads the kernel's echo reply, n times. */
    private static int roundTrips(LinuxTun tun, ByteBuffer request, int len, ByteBuffer reply, int n) throws Exception {
        int replies = 0;
        for (int i = 0; i < n; i++) {
            request.clear().limit(len);
            tun.write(request);
            reply.clear();
            int got = tun.read(reply);
            if (got == len && reply.get(20) == 0) {
                replies++;
            }
        }
        return replies;
    }

    @Test
    void readNowNeverWaitsAndTakesWhatIsQueued() throws Exception {
        LinuxTun tun = openConfigured("tsys4", 1420);
        try {
            ByteBuffer reply = ByteBuffer.allocateDirect(1420);
            long t0 = System.nanoTime();
            assertThat(tun.readNow(reply)).as("nothing queued").isZero();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(500);
            assertThat(tun.readNow(ByteBuffer.allocate(1420)))
                    .as("heap buffer: batch of one")
                    .isZero();
            ByteBuffer request = ByteBuffer.allocateDirect(1420);
            int len = Icmp.writeEchoRequest(request, REMOTE, LOCAL, 600);
            request.clear().limit(len);
            tun.write(request);
            int got = 0;
            for (int i = 0; i < 1_000_000 && got == 0; i++) { // the kernel answers the echo within microseconds
                reply.clear();
                got = tun.readNow(reply);
            }
            assertThat(got).isEqualTo(len);
            assertThat(reply.position()).isEqualTo(len);
            assertThat(reply.get(20)).as("ICMP echo reply").isZero();
        } finally {
            tun.close();
        }
        assertThat(tun.readNow(ByteBuffer.allocateDirect(100))).isEqualTo(-1);
    }

    @Test
    void closeUnblocksAnIdleReaderAtOnce() throws Exception {
        LinuxTun tun = openConfigured("tsys2", 1420);
        CompletableFuture<Integer> reader = CompletableFuture.supplyAsync(() -> {
            try {
                return tun.read(ByteBuffer.allocateDirect(1420));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200);
        assertThat(reader).isNotDone();
        long t0 = System.nanoTime();
        tun.close();
        assertThat(reader.get(1, TimeUnit.SECONDS)).isEqualTo(-1);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(1000);
        tun.close(); // idempotent
        assertThat(tun.read(ByteBuffer.allocateDirect(100))).isEqualTo(-1);
        assertThatThrownBy(() -> tun.write(ByteBuffer.allocateDirect(20)))
                .isInstanceOf(DescriptorClosedException.class)
                .hasMessage("TUN device 'tsys2' is closed");
    }

    @Test
    void heapBuffersWorkThroughTheScratchCopy() throws Exception {
        try (LinuxTun tun = openConfigured("tsys3", 1420)) {
            ByteBuffer request = ByteBuffer.allocate(1420);
            int len = Icmp.writeEchoRequest(request, REMOTE, LOCAL, 64);
            request.flip();
            tun.write(request);
            ByteBuffer reply = ByteBuffer.allocate(1420);
            assertThat(tun.read(reply)).isEqualTo(len);
            assertThat(reply.position()).isEqualTo(len);
            assertThat(reply.get(20)).as("ICMP type echo reply").isZero();
        }
    }

    @Test
    void kernelChosenNameAndBusyNameAreReported() throws Exception {
        try (LinuxTun first = ns.call(() -> LinuxTun.open("tsysk%d", 1400))) {
            assertThat(first.name()).matches("tsysk\\d+");
            assertThat(ns.exec("ip", "-o", "link", "show", first.name()).stdout())
                    .contains("mtu 1400");
            assertThatThrownBy(() -> ns.call(() -> LinuxTun.open(first.name(), 1400)))
                    .hasMessageContaining(first.name())
                    .hasMessageContaining("busy");
        }
    }

    @Test
    void configureFailureNamesTheCommand() throws Exception {
        assertThatThrownBy(() -> ns.call(() -> {
                    TunConfigurator.configure("nosuchtun0", LOCAL, REMOTE, 1420);
                    return null;
                }))
                .hasMessageStartingWith("'ip link set dev nosuchtun0 mtu 1420' failed")
                .hasMessageNotContaining("\n");
    }
}
