package dev.psk.common;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

/**
 * The service manager's readiness protocol ({@code sd_notify(3)}) without libsystemd: one datagram
 * of {@code KEY=VALUE} lines to the AF_UNIX socket named by {@code $NOTIFY_SOCKET} (a path, or an
 * abstract name written with a leading {@code @}). The JDK's DatagramChannel has no AF_UNIX, so the
 * datagram goes through libc with the FFM API: socket, sendto, close.
 *
 * <p>Outside systemd (no {@code NOTIFY_SOCKET}) every call does nothing. A failure to notify is
 * never fatal: the call returns false and the daemon carries on (systemd then times the start out,
 * which is the visible symptom it should be).
 */
public final class SystemdNotify {
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int MSG_NOSIGNAL = 0x4000;
    /** sizeof(struct sockaddr_un): a two-byte family then 108 bytes of path. */
    private static final int SOCKADDR_UN_SIZE = 110;

    private static final int PATH_MAX_BYTES = SOCKADDR_UN_SIZE - 2;

    private SystemdNotify() {}

    /** READY=1: the service is up (for psk-tunnel: the TUN device exists and is configured). */
    public static boolean ready(String status) {
        return send("READY=1\nSTATUS=" + oneLine(status) + "\n");
    }

    /** STOPPING=1: the service has begun its clean stop. */
    public static boolean stopping() {
        return send("STOPPING=1\n");
    }

    /** RELOADING=1 is not sent: reload here is atomic from the manager's view (SIGHUP, no wait). */
    public static boolean send(String state) {
        return send(System.getenv("NOTIFY_SOCKET"), state);
    }

    /**
     * Sends {@code state} to the socket {@code socketName}; false when the name is null, empty,
     * unusable (not an absolute path or {@code @name}, too long) or the send fails.
     */
    static boolean send(String socketName, String state) {
        if (socketName == null || socketName.isEmpty()) {
            return false;
        }
        byte[] name = socketName.getBytes(StandardCharsets.UTF_8);
        boolean abstractName = name[0] == '@';
        if (!abstractName && name[0] != '/') {
            return false; // vsock: and relative names are not for us
        }
        if (name.length > (abstractName ? PATH_MAX_BYTES : PATH_MAX_BYTES - 1)) {
            return false;
        }
        try {
            return Libc.sendDatagram(name, abstractName, state.getBytes(StandardCharsets.UTF_8));
        } catch (Throwable t) {
            // FFM unavailable (native access denied) or libc missing a symbol: not fatal
            return false;
        }
    }

    private static String oneLine(String s) {
        return s.replace('\n', ' ').replace('\r', ' ');
    }

    /** The three libc calls, bound on first use. */
    private static final class Libc {
        private static final MethodHandle SOCKET;
        private static final MethodHandle SENDTO;
        private static final MethodHandle CLOSE;

        static {
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            SOCKET = linker.downcallHandle(
                    libc.find("socket").orElseThrow(),
                    FunctionDescriptor.of(
                            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            SENDTO = linker.downcallHandle(
                    libc.find("sendto").orElseThrow(),
                    FunctionDescriptor.of(
                            ValueLayout.JAVA_LONG,
                            ValueLayout.JAVA_INT,
                            ValueLayout.ADDRESS,
                            ValueLayout.JAVA_LONG,
                            ValueLayout.JAVA_INT,
                            ValueLayout.ADDRESS,
                            ValueLayout.JAVA_INT));
            CLOSE = linker.downcallHandle(
                    libc.find("close").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        }

        static boolean sendDatagram(byte[] name, boolean abstractName, byte[] payload) throws Throwable {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment addr = arena.allocate(SOCKADDR_UN_SIZE);
                addr.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
                MemorySegment.copy(name, 0, addr, ValueLayout.JAVA_BYTE, 2, name.length);
                if (abstractName) {
                    addr.set(ValueLayout.JAVA_BYTE, 2, (byte) 0); // '@' stands for the leading NUL
                }
                // An abstract name's length counts exactly its bytes; a path's includes its NUL.
                int addrLen = 2 + name.length + (abstractName ? 0 : 1);
                MemorySegment buf = arena.allocate(Math.max(1, payload.length));
                MemorySegment.copy(payload, 0, buf, ValueLayout.JAVA_BYTE, 0, payload.length);
                int fd = (int) SOCKET.invokeExact(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
                if (fd < 0) {
                    return false;
                }
                try {
                    long sent = (long) SENDTO.invokeExact(fd, buf, (long) payload.length, MSG_NOSIGNAL, addr, addrLen);
                    return sent == payload.length;
                } finally {
                    int unused = (int) CLOSE.invokeExact(fd);
                }
            }
        }
    }
}
