package dev.psk.tunnel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.cli.CliRunner;
import dev.psk.common.cli.ExitCodes;
import dev.psk.common.state.TunnelState;
import dev.psk.tunnel.crypto.PacketAead;
import dev.psk.tunnel.crypto.PacketAeads;
import dev.psk.tunnel.device.PeerSession;
import dev.psk.tunnel.io.tun.TunDevice;
import dev.psk.tunnel.pad.PadFile;
import dev.psk.tunnel.session.Psk2Session;
import dev.psk.tunnel.state.StateFile;
import dev.psk.tunnel.testing.MemoryTun;
import dev.psk.tunnel.testing.TestPads;
import dev.psk.tunnel.wire.Psk2Wire;
import dev.psk.tunnel.wire.Role;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue #17, end of pad life and exit paths of the point-to-point daemon: every way it stops
 * (pad used up, state file lost, TUN device gone) removes its status file, says "stopped" once
 * with the reason and exits with that reason's code; it refuses to start on a used-up pad before
 * any device comes up; a crash restart is logged before any jumped sequence can leave.
 */
class TunnelLifecycleTest {
    @TempDir
    Path dir;

    /** One daemon (a {@link TestDaemon}), its status file, and what it printed. */
    private record End(TestDaemon end, Path status) {
        TunnelDaemon daemon() {
            return end.daemon();
        }

        CompletableFuture<Integer> result() {
            return end.result();
        }

        String errText() {
            return end.err().toString(StandardCharsets.UTF_8);
        }

        int exitWithin(int seconds) throws Exception {
            return end.result().get(seconds, TimeUnit.SECONDS);
        }
    }

    /** An initiator without a stats line, as {@link TestDaemon#args} makes it. */
    private static String[] args(Path pad, Path state, Path status, int local, int remote, String tunName) {
        return TestDaemon.args(pad, state, status, local, remote, true, tunName, "0")
                .toArray(String[]::new);
    }

    private static End start(String[] args, TunDevice tun, Path status) {
        return new End(TestDaemon.start(false, List.of(args), tun), status);
    }

    private static void awaitFile(End e, Path f) throws Exception {
        e.end().awaitFile(f);
    }

    /** A UDP socket on 127.0.0.1 that swallows what the tunnel sends (the peer is not needed). */
    private static DatagramChannel sink() throws IOException {
        DatagramChannel c = DatagramChannel.open();
        c.bind(new InetSocketAddress("127.0.0.1", 0));
        return c;
    }

    private static int port(DatagramChannel c) throws IOException {
        return ((InetSocketAddress) c.getLocalAddress()).getPort();
    }

    @Test
    void aTinyPadWarnsTwiceStopsAtItsLastPacketAndIsThenRefusedBeforeAnyDevice() throws Exception {
        Path pad = TestPads.create(dir, "pad", 2, 21); // 1 data slot: 1,000 packets to send
        Path state = dir.resolve("a.json");
        Path status = dir.resolve("a-status.json");
        MemoryTun tun = new MemoryTun("lt0", 1420, 2048);
        try (DatagramChannel peer = sink()) {
            End a = start(args(pad, state, status, TestDaemon.freePort(), port(peer), "lt0"), tun, status);
            awaitFile(a, status);
            for (int i = 0; i < 1000; i++) {
                tun.inject(new byte[] {0x45, 0, 0, 20});
            }
            // Nothing more is offered after the 1,000th packet: the end must stop by itself.
            assertThat(a.exitWithin(10)).as(a.errText()).isEqualTo(ExitCodes.PAD_EXHAUSTED);
            String err = a.errText();
            int ten = err.indexOf("pad below 10%");
            int one = err.indexOf("pad almost exhausted");
            int stop = err.indexOf("stopped: pad " + pad + " is exhausted for sending");
            assertThat(ten).as(err).isNotNegative();
            assertThat(one).as(err).isGreaterThan(ten);
            assertThat(stop).as(err).isGreaterThan(one);
            assertThat(err.indexOf("pad below 10%", ten + 1)).as("once").isNegative();
            assertThat(err.indexOf("pad almost exhausted", one + 1)).as("once").isNegative();
            assertThat(status).doesNotExist();
            assertThat(StateFile.read(state).txReservedUntil()).isEqualTo(1000);
        }

        // Started again on the used-up pad: refused with the same code, no socket, no TUN device.
        AtomicBoolean tunOpened = new AtomicBoolean();
        PskTunnel opts = new PskTunnel();
        opts.tunFactory = new TunFactory() {
            @Override
            public TunDevice open(String n, int mtu) {
                tunOpened.set(true);
                return new MemoryTun(n);
            }

            @Override
            public void configure(String n, String l, String r, int mtu) {
                tunOpened.set(true);
            }
        };
        Files.writeString(status, "{}"); // a stale file from an earlier crash must go too
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = CliRunner.commandLine(opts);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        PrintStream realErr = System.err;
        ByteArrayOutputStream daemonErr = new ByteArrayOutputStream();
        System.setErr(new PrintStream(daemonErr, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = cl.execute(args(pad, state, status, TestDaemon.freePort(), TestDaemon.freePort(), "lt1"));
        } finally {
            System.setErr(realErr);
        }
        String said = daemonErr.toString(StandardCharsets.UTF_8) + err;
        assertThat(code).as(said).isEqualTo(ExitCodes.PAD_EXHAUSTED);
        assertThat(said).contains("not started: pad " + pad + " is exhausted for sending", "psk-keygen generate");
        assertThat(said.strip().lines().count()).isEqualTo(1);
        assertThat(tunOpened).as("TUN device opened").isFalse();
        assertThat(status).doesNotExist();
    }

    @Test
    void aStateFileThatCannotBeWrittenStopsTheEndWithOneLineAndNoStatus() throws Exception {
        Path pad = TestPads.create(dir, "pad", 20, 22);
        Path stateDir = Files.createDirectory(dir.resolve("state"));
        Path state = stateDir.resolve("a.json");
        Path status = dir.resolve("a-status.json");
        MemoryTun tun = new MemoryTun("lt2", 1420, 4096);
        try (DatagramChannel peer = sink()) {
            End a = start(args(pad, state, status, TestDaemon.freePort(), port(peer), "lt2"), tun, status);
            awaitFile(a, status);
            // The disk goes away under the running end (as root, permissions would not stop us).
            Files.delete(state);
            Files.delete(stateDir);
            for (int i = 0; i < 3000 && !a.result().isDone(); i++) {
                try {
                    tun.inject(new byte[] {0x45, 0, 0, 20});
                } catch (IllegalStateException closed) {
                    break;
                }
                if (i % 100 == 99) {
                    Thread.sleep(5);
                }
            }
            assertThat(a.exitWithin(10)).as(a.errText()).isEqualTo(ExitCodes.FAILURE);
            String err = a.errText();
            assertThat(err).contains("stopped: state file " + state + " cannot be written (no such file or directory)");
            assertThat(err.lines().filter(l -> l.contains("stopped")).count()).isEqualTo(1);
            assertThat(status).as("status file left behind").doesNotExist();
        }
    }

    @Test
    void aTunDeviceThatVanishesStopsTheEndInsteadOfLeavingItHalfAlive() throws Exception {
        Path pad = TestPads.create(dir, "pad", 20, 23);
        Path state = dir.resolve("a.json");
        Path status = dir.resolve("a-status.json");
        MemoryTun tun = new MemoryTun("lt3", 1420, 64);
        try (DatagramChannel peer = sink()) {
            End a = start(args(pad, state, status, TestDaemon.freePort(), port(peer), "lt3"), tun, status);
            awaitFile(a, status);
            tun.close(); // what the kernel's end of the device going away looks like to the send loop
            assertThat(a.exitWithin(10)).as(a.errText()).isEqualTo(ExitCodes.FAILURE);
            assertThat(a.errText()).contains("stopped: TUN device lt3 was closed under the tunnel", "state saved");
            assertThat(status).doesNotExist();
            assertThat(StateFile.read(state).cleanStop()).isTrue();
        }
    }

    @Test
    void aCrashRestartIsLoggedEvenWhenThePeerIsHeardBeforeTheBanner() throws Exception {
        Path pad = TestPads.create(dir, "pad", 1100, 24); // room for the 2^20 restart signal
        Path state = dir.resolve("a.json");
        Path status = dir.resolve("a-status.json");
        String fp;
        try (PadFile p = PadFile.open(pad)) {
            fp = p.fingerprintHex();
        }
        // A crashed initiator (clean_stop false); the responder sends from 60, above A's floor of 50.
        StateFile.write(state, new TunnelState(fp, true, 100, 50, 0, 1100, false));
        Path bState = dir.resolve("b.json");
        StateFile.write(bState, new TunnelState(fp, false, 60, 0, 0, 1100, true));
        byte[] datagram;
        try (PadFile p = PadFile.open(pad);
                PacketAead aead = PacketAeads.create(PacketAeads.AUTO)) {
            Psk2Session b = Psk2Session.open(p, bState, Role.RESPONDER, 4096, m -> {});
            ByteBuffer buf = ByteBuffer.allocateDirect(Psk2Wire.BUFFER_BYTES);
            byte[] inner = {0x45, 0, 0, 20, 1, 2, 3, 4};
            buf.put(PeerSession.HEADROOM, inner);
            assertThat(b.seal(buf, inner.length, aead)).isNull();
            datagram = new byte[inner.length + Psk2Wire.OVERHEAD_BYTES];
            buf.get(PeerSession.HEADROOM - Psk2Wire.HEADER_BYTES, datagram);
            b.close();
        }
        MemoryTun inner = new MemoryTun("lt4", 1420, 64);
        try (DatagramChannel peer = sink()) {
            int local = TestDaemon.freePort();
            // The peer's packet arrives as soon as the socket is bound, and the banner waits until
            // it went through: the old check ("announces a restart" = nothing heard yet) then failed.
            TunDevice tun = new HeardFirstTun(inner, peer, datagram, local);
            End a = start(args(pad, state, status, local, port(peer), "lt4"), tun, status);
            awaitFile(a, status);
            assertThat(inner.take(5000)).as("the peer's packet was delivered").isNotNull();
            assertThat(a.errText())
                    .contains("restarted after a crash: sending from sequence " + (100 + Psk2Wire.RESTART_SIGNAL_GAP));
            a.daemon().requestStop("test");
            assertThat(a.exitWithin(10)).isZero();
        }
    }

    @Test
    void aReplayIntoAnErasedSlotCountsAsAReplayInTheStatsLine() throws Exception {
        Path pad = TestPads.create(dir, "pad", 10, 25);
        int portA = TestDaemon.freePort(), portB = TestDaemon.freePort();
        MemoryTun tunA = new MemoryTun("lr0", 1420, 4096), tunB = new MemoryTun("lr1", 1420, 4096);
        // The smallest replay window, so that 1,100 packets take the window past slot 0.
        TestDaemon a = TestDaemon.start(dir, pad, "a", portA, portB, true, tunA, "1s", "--replay-window", "64");
        TestDaemon b = TestDaemon.start(dir, pad, "b", portB, portA, false, tunB, "1s", "--replay-window", "64");
        try {
            a.awaitFile(dir.resolve("a-status.json"));
            b.awaitFile(dir.resolve("b-status.json"));
            // Both directions past slot 0, so that B erases it.
            for (int i = 0; i < 1100; i++) {
                tunA.inject(new byte[] {0x45, 0, 0, 20});
                tunB.inject(new byte[] {0x45, 0, 0, 21});
                if (i % 50 == 49) {
                    Thread.sleep(2);
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (StateFile.read(dir.resolve("b.json")).erasedSlots() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(StateFile.read(dir.resolve("b.json")).erasedSlots()).isGreaterThanOrEqualTo(1);
            Thread.sleep(1500); // traffic has settled: a stats line with the counts before the replay
            long[] before = replayCounts(b);
            // An old datagram of A's, sequence 5 in slot 0, played back to B.
            ByteBuffer old = ByteBuffer.allocate(Psk2Wire.OVERHEAD_BYTES + 20);
            old.putInt(Psk2Wire.MAGIC_OFFSET, Psk2Wire.MAGIC)
                    .put(Psk2Wire.VERSION_OFFSET, (byte) Psk2Wire.VERSION)
                    .put(Psk2Wire.DIRECTION_OFFSET, (byte) Psk2Wire.DIRECTION_INITIATOR_TO_RESPONDER)
                    .putLong(Psk2Wire.SEQ_OFFSET, 5);
            try (DatagramChannel replayer = sink()) {
                replayer.send(old, new InetSocketAddress("127.0.0.1", portB));
            }
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            long[] after = replayCounts(b);
            while (after[1] == before[1] && System.nanoTime() < deadline) {
                Thread.sleep(100);
                after = replayCounts(b);
            }
            String text = b.out().toString(StandardCharsets.UTF_8);
            assertThat(after[1]).as("slot_erased drops\n" + text).isEqualTo(before[1] + 1);
            assertThat(after[0]).as("replays in the stats line\n" + text).isEqualTo(before[0] + 1);
        } finally {
            a.daemon().requestStop("test");
            b.daemon().requestStop("test");
        }
        assertThat(a.result().get(10, TimeUnit.SECONDS)).isZero();
        assertThat(b.result().get(10, TimeUnit.SECONDS)).isZero();
    }

    /** From the last stats line: the replay count and the slot_erased drops. */
    private static long[] replayCounts(TestDaemon d) {
        String last = d.out()
                .toString(StandardCharsets.UTF_8)
                .lines()
                .filter(l -> l.startsWith("psk-tunnel: stats:"))
                .reduce((x, y) -> y)
                .orElse("");
        java.util.regex.Matcher r =
                java.util.regex.Pattern.compile("replays (\\d+)").matcher(last);
        java.util.regex.Matcher e =
                java.util.regex.Pattern.compile("slot_erased (\\d+)").matcher(last);
        return new long[] {r.find() ? Long.parseLong(r.group(1)) : 0, e.find() ? Long.parseLong(e.group(1)) : 0};
    }

    /** Sends the peer's datagram when opened; its banner line waits until that packet came through. */
    private static final class HeardFirstTun implements TunDevice {
        private final MemoryTun inner;
        private final DatagramChannel from;
        private final byte[] datagram;
        private final int to;
        private final List<byte[]> written = new ArrayList<>();

        HeardFirstTun(MemoryTun inner, DatagramChannel from, byte[] datagram, int to) {
            this.inner = inner;
            this.from = from;
            this.datagram = datagram;
            this.to = to;
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public int mtu() {
            return inner.mtu();
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return inner.read(dst);
        }

        @Override
        public synchronized void write(ByteBuffer src) throws IOException {
            written.add(new byte[src.remaining()]);
            inner.write(src);
            notifyAll();
        }

        @Override
        public synchronized String offloadReport() {
            try {
                from.send(ByteBuffer.wrap(datagram), new InetSocketAddress("127.0.0.1", to));
                long deadline = System.currentTimeMillis() + 5000;
                while (written.isEmpty() && System.currentTimeMillis() < deadline) {
                    wait(100);
                }
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return inner.offloadReport();
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
