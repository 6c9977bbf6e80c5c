package dev.psk.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SystemdNotify against a real AF_UNIX datagram socket bound here, as systemd's would be. */
class SystemdNotifyTest {
    @TempDir
    Path dir;

    @Test
    void readyReachesAPathSocketAsOneDatagram() throws Throwable {
        Path sock = dir.resolve("notify");
        try (Receiver r = Receiver.bind(sock.toString().getBytes(StandardCharsets.UTF_8))) {
            assertThat(SystemdNotify.send(sock.toString(), "READY=1\nSTATUS=tun0 up\n"))
                    .isTrue();
            assertThat(r.receive()).isEqualTo("READY=1\nSTATUS=tun0 up\n");
        }
    }

    @Test
    void abstractNameWithAtReachesTheAbstractSocket() throws Throwable {
        String name = "@psk-notify-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        byte[] raw = name.getBytes(StandardCharsets.UTF_8);
        raw[0] = 0;
        try (Receiver r = Receiver.bind(raw)) {
            assertThat(SystemdNotify.send(name, "STOPPING=1\n")).isTrue();
            assertThat(r.receive()).isEqualTo("STOPPING=1\n");
        }
    }

    @Test
    void outsideSystemdOrWithABadNameNothingIsSent() {
        assertThat(SystemdNotify.send(null, "READY=1\n")).isFalse();
        assertThat(SystemdNotify.send("", "READY=1\n")).isFalse();
        assertThat(SystemdNotify.send("relative/sock", "READY=1\n")).isFalse();
        assertThat(SystemdNotify.send("vsock:2:1234", "READY=1\n")).isFalse();
        assertThat(SystemdNotify.send("/" + "x".repeat(200), "READY=1\n")).isFalse();
    }

    @Test
    void aMissingSocketIsAFailedSendNotAnException() {
        assertThat(SystemdNotify.send(dir.resolve("absent").toString(), "READY=1\n"))
                .isFalse();
        assertThat(Files.exists(dir.resolve("absent"))).isFalse();
    }

    /** A bound, non-blocking AF_UNIX datagram socket (the test's stand-in for systemd). */
    private record Receiver(int fd, Arena arena) implements AutoCloseable {
        private static final Linker L = Linker.nativeLinker();
        private static final MethodHandle SOCKET = handle(
                "socket",
                FunctionDescriptor.of(
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        private static final MethodHandle BIND = handle(
                "bind",
                FunctionDescriptor.of(
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        private static final MethodHandle RECV = handle(
                "recv",
                FunctionDescriptor.of(
                        ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_INT,
                        ValueLayout.ADDRESS,
                        ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_INT));
        private static final MethodHandle CLOSE =
                handle("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

        private static MethodHandle handle(String name, FunctionDescriptor fd) {
            return L.downcallHandle(L.defaultLookup().find(name).orElseThrow(), fd);
        }

        static Receiver bind(byte[] name) throws Throwable {
            Arena arena = Arena.ofConfined();
            int fd = (int) SOCKET.invokeExact(1, 2 | 0x800 /* SOCK_NONBLOCK */, 0);
            assertThat(fd).isNotNegative();
            MemorySegment addr = arena.allocate(110);
            addr.set(ValueLayout.JAVA_SHORT, 0, (short) 1);
            MemorySegment.copy(name, 0, addr, ValueLayout.JAVA_BYTE, 2, name.length);
            int len = 2 + name.length + (name[0] == 0 ? 0 : 1);
            assertThat((int) BIND.invokeExact(fd, addr, len)).isZero();
            return new Receiver(fd, arena);
        }

        String receive() throws Throwable {
            MemorySegment buf = arena.allocate(4096);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < deadline) {
                long n = (long) RECV.invokeExact(fd, buf, 4096L, 0);
                if (n >= 0) {
                    return new String(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
                }
                Thread.sleep(10);
            }
            throw new AssertionError("no datagram within 5 s");
        }

        @Override
        public void close() {
            try {
                int unused = (int) CLOSE.invokeExact(fd);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            } finally {
                arena.close();
            }
        }
    }
}
