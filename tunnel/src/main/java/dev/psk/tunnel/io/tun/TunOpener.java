package dev.psk.tunnel.io.tun;

import dev.psk.tunnel.io.Libc;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * Creates a TUN interface for {@link LinuxTun}: opens {@code /dev/net/tun} non-blocking,
 * {@code TUNSETIFF} (IFF_TUN | IFF_NO_PI, IFF_VNET_HDR with offloads), the MTU through
 * {@code SIOCSIFMTU}, the eventfd that wakes a blocked reader on close, and {@code TUNSETOFFLOAD}.
 * Every failure is an {@link IOException} naming the device, the errno and a likely cause; on
 * failure nothing stays open.
 */
final class TunOpener {
    private static final String CLONE_DEVICE = "/dev/net/tun";

    /**
     * What a successful open hands to the device, which owns all of it from then on.
     *
     * @param name the interface name the kernel chose (a "%d" in the request is replaced)
     * @param offloadAccepted whether the kernel took the TSO/checksum flags (TUNSETOFFLOAD)
     */
    record Opened(String name, int fd, int wakeFd, Arena arena, boolean offloadAccepted) {
        /** Closes everything: for a failure between open and the device taking ownership. */
        void closeQuietly() {
            Libc.closeQuietly(wakeFd, arena);
            Libc.closeQuietly(fd, arena);
            arena.close();
        }
    }

    private TunOpener() {}

    /** See {@link LinuxTun#open(String, int, boolean)}. */
    static Opened open(String name, int mtu, boolean offload) throws IOException {
        TunParameters.validateName(name);
        TunParameters.validateMtu(name, mtu);
        Arena arena = Arena.ofShared();
        int fd = -1;
        int wakeFd = -1;
        boolean ok = false;
        try {
            MemorySegment capture = arena.allocate(Libc.CAPTURE_LAYOUT);
            fd = (int) Libc.OPEN.invokeExact(
                    capture, arena.allocateFrom(CLONE_DEVICE), Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
            if (fd < 0) {
                int e = Libc.errno(capture);
                String hint = switch (e) {
                    case Libc.ENOENT, Libc.ENODEV -> ": the tun driver is missing (load it: modprobe tun)";
                    case Libc.EACCES, Libc.EPERM -> ": permission denied (run as root or with CAP_NET_ADMIN)";
                    default -> "";
                };
                throw new IOException(
                        "cannot open " + CLONE_DEVICE + " for TUN device '" + name + "': " + Libc.describe(e) + hint);
            }
            MemorySegment ifr = arena.allocate(Libc.IFREQ_BYTES, 8);
            ifr.setString(0, name, StandardCharsets.US_ASCII);
            short flags = (short) (Libc.IFF_TUN | Libc.IFF_NO_PI | (offload ? VirtioNetHeader.IFF_VNET_HDR : 0));
            ifr.set(ValueLayout.JAVA_SHORT, Libc.IFREQ_UNION_OFFSET, flags);
            int rc = (int) Libc.IOCTL.invokeExact(capture, fd, Libc.TUNSETIFF, ifr);
            if (rc < 0) {
                int e = Libc.errno(capture);
                String hint = switch (e) {
                    case Libc.EPERM, Libc.EACCES -> ": CAP_NET_ADMIN is required";
                    case Libc.EBUSY -> ": the interface exists and is in use (another tunnel, or not a TUN device)";
                    case Libc.EINVAL -> ": an interface of that name exists with another type or flags";
                    default -> "";
                };
                throw new IOException("cannot create TUN device '" + name + "': " + Libc.describe(e) + hint);
            }
            String actual = ifr.getString(0, StandardCharsets.US_ASCII);
            setMtu(actual, mtu, arena);
            wakeFd = (int) Libc.EVENTFD.invokeExact(capture, 0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
            if (wakeFd < 0) {
                throw new IOException(
                        "TUN device '" + actual + "': eventfd failed: " + Libc.describe(Libc.errno(capture)));
            }
            boolean offloadFlags = offload
                    && (int) Libc.IOCTL_INT.invokeExact(
                                    capture, fd, VirtioNetHeader.TUNSETOFFLOAD, (long) (VirtioNetHeader.TUN_F_CSUM
                                            | VirtioNetHeader.TUN_F_TSO4
                                            | VirtioNetHeader.TUN_F_TSO6
                                            | VirtioNetHeader.TUN_F_TSO_ECN))
                            == 0;
            Opened opened = new Opened(actual, fd, wakeFd, arena, offloadFlags);
            ok = true;
            return opened;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("TUN device '" + name + "': native call failed: " + t, t);
        } finally {
            if (!ok) {
                Libc.closeQuietly(wakeFd, arena);
                Libc.closeQuietly(fd, arena);
                arena.close();
            }
        }
    }

    /** SIOCSIFMTU on a throwaway AF_INET datagram socket (no need for the ip command). */
    private static void setMtu(String name, int mtu, Arena arena) throws Throwable {
        MemorySegment capture = arena.allocate(Libc.CAPTURE_LAYOUT);
        int sock = (int) Libc.SOCKET.invokeExact(capture, Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
        if (sock < 0) {
            throw new IOException("TUN device '" + name + "': cannot open a socket to set the MTU: "
                    + Libc.describe(Libc.errno(capture)));
        }
        try {
            MemorySegment ifr = arena.allocate(Libc.IFREQ_BYTES, 8);
            ifr.setString(0, name, StandardCharsets.US_ASCII);
            ifr.set(ValueLayout.JAVA_INT, Libc.IFREQ_UNION_OFFSET, mtu);
            int rc = (int) Libc.IOCTL.invokeExact(capture, sock, Libc.SIOCSIFMTU, ifr);
            if (rc < 0) {
                throw new IOException(
                        "TUN device '" + name + "': cannot set MTU " + mtu + ": " + Libc.describe(Libc.errno(capture)));
            }
        } finally {
            Libc.closeQuietly(sock, arena);
        }
    }
}
