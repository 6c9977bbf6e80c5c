package dev.psk.tunnel.io;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few libc calls the TUN device ({@code io.tun}) and the UDP socket ({@code io.udp}) need, as FFM
 * downcall handles (Linux, LP64: x86_64 and aarch64). Public only so that both packages can share
 * it: not an API for code outside {@code dev.psk.tunnel.io}. The handles capture {@code errno} (except the
 * {@code *_FAST} ones of the packet path) into a caller-supplied segment of
 * {@link #CAPTURE_LAYOUT}, so a failing call can be explained without a second native call racing
 * other threads.
 *
 * <p>Constants are the Linux UAPI values (include/uapi/linux/if_tun.h, asm-generic/ioctls.h,
 * asm-generic/errno-base.h, asm-generic/fcntl.h); they are identical on x86_64 and aarch64.
 */
public final class Libc {
    // Specification constants (Linux UAPI).
    public static final int O_RDWR = 0x2;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_CLOEXEC = 0x80000;
    public static final int EFD_NONBLOCK = 0x800;
    public static final int EFD_CLOEXEC = 0x80000;
    public static final int AF_INET = 2;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int AF_INET6 = 10;
    public static final int SOL_SOCKET = 1;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    /** Send UDP over IPv4 without checksum; the kernel refuses UDP_SEGMENT then (EINVAL). */
    public static final int SO_NO_CHECK = 11;

    public static final int IPPROTO_IPV6 = 41;
    public static final int IPV6_V6ONLY = 26;
    public static final int SHUT_RDWR = 2;
    /** include/uapi/linux/udp.h: per-socket or per-message (cmsg) GSO segment size, Linux 4.18. */
    public static final int SOL_UDP = 17;

    public static final int UDP_SEGMENT = 103;
    /** Receive coalesced datagrams (GRO), the segment size in a cmsg; Linux 5.0. */
    public static final int UDP_GRO = 104;
    /** include/net/udp.h UDP_MAX_SEGMENTS: 64 since Linux 4.18, 128 on recent kernels; 64 holds on all. */
    public static final int UDP_MAX_SEGMENTS = 64;
    /** Largest UDP payload of one IPv4 datagram (65535 - 20 - 8); the bound for a GSO message. */
    public static final int UDP_MAX_PAYLOAD_BYTES = 65_507;
    /** recvmmsg(2): block for the first datagram only, then take what is queued. */
    public static final int MSG_WAITFORONE = 0x10000;

    public static final int MSG_DONTWAIT = 0x40;
    /** struct iovec: void *base, size_t len. */
    public static final int IOVEC_BYTES = 16;
    /** struct mmsghdr: struct msghdr (56 bytes on LP64) then unsigned msg_len, padded to 64. */
    public static final int MMSGHDR_BYTES = 64;

    public static final int MSGHDR_NAME = 0,
            MSGHDR_NAMELEN = 8,
            MSGHDR_IOV = 16,
            MSGHDR_IOVLEN = 24,
            MSGHDR_CONTROL = 32,
            MSGHDR_CONTROLLEN = 40,
            MSGHDR_FLAGS = 48,
            MMSGHDR_LEN = 56;
    /** struct cmsghdr: size_t len, int level, int type (16 bytes), then data aligned to 8. */
    public static final int CMSG_DATA = 16;
    /** CMSG_LEN(sizeof(u16)) and CMSG_SPACE(sizeof(u16)) on LP64. */
    public static final int CMSG_LEN_U16 = 18, CMSG_SPACE_U16 = 24;
    /** struct sockaddr_in6 is 28 bytes; sockaddr_in (16) fits in the same storage. */
    public static final int SOCKADDR_BYTES = 28;
    /** _IOW('T', 202, int): attach this fd to a TUN/TAP interface. */
    public static final long TUNSETIFF = 0x400454caL;
    /** Set an interface's MTU through any socket (linux/sockios.h). */
    public static final long SIOCSIFMTU = 0x8922L;

    public static final short IFF_TUN = 0x0001;
    public static final short IFF_NO_PI = 0x1000;
    public static final short POLLIN = 0x1;
    public static final short POLLOUT = 0x4;
    public static final int IFNAMSIZ = 16;
    /** struct ifreq: a 16-byte name and a 24-byte union (flags or mtu at offset 16). */
    public static final int IFREQ_BYTES = 40;

    public static final int IFREQ_UNION_OFFSET = 16;
    /** struct pollfd: int fd, short events, short revents. */
    public static final int POLLFD_BYTES = 8;

    public static final int EPERM = 1,
            ENOENT = 2,
            EINTR = 4,
            EIO = 5,
            EBADF = 9,
            EAGAIN = 11,
            EACCES = 13,
            EBUSY = 16,
            ENODEV = 19,
            EINVAL = 22,
            EPIPE = 32,
            ENAMETOOLONG = 36,
            ENOTCONN = 107,
            EADDRINUSE = 98,
            ENOPROTOOPT = 92,
            EOPNOTSUPP = 95;

    public static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    /** int open(const char *path, int flags) */
    public static final MethodHandle OPEN = downcall("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    /** int ioctl(int fd, unsigned long request, void *arg): variadic after the request. */
    public static final MethodHandle IOCTL = downcall(
            "ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2));
    /** ioctl with an integer argument (e.g. TUNSETOFFLOAD's flags), passed as unsigned long. */
    public static final MethodHandle IOCTL_INT = downcall(
            "ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(2));
    /** ssize_t read(int fd, void *buf, size_t n) */
    public static final MethodHandle READ =
            downcall("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    /** ssize_t write(int fd, const void *buf, size_t n) */
    public static final MethodHandle WRITE =
            downcall("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    /**
     * read/write for the packet path: no errno capture (see {@link #SENDMMSG_FAST}) and the buffer
     * passed as a raw address (a {@code void *} travels in an integer register on LP64), so no
     * segment is made per call. A -1 is repeated through {@link #READ}/{@link #WRITE} to learn errno;
     * nothing was transferred, so repeating is safe.
     */
    public static final MethodHandle READ_FAST = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("read"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));

    public static final MethodHandle WRITE_FAST = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("write"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
    /** int poll(struct pollfd *fds, nfds_t n, int timeout_ms) */
    public static final MethodHandle POLL =
            downcall("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    /** int eventfd(unsigned int initval, int flags) */
    public static final MethodHandle EVENTFD = downcall("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    /** int socket(int domain, int type, int protocol) */
    public static final MethodHandle SOCKET =
            downcall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    /** int setsockopt(int fd, int level, int name, const void *value, socklen_t len) */
    public static final MethodHandle SETSOCKOPT =
            downcall("setsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    /** int getsockopt(int fd, int level, int name, void *value, socklen_t *len) */
    public static final MethodHandle GETSOCKOPT =
            downcall("getsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    /** int bind(int fd, const struct sockaddr *addr, socklen_t len) */
    public static final MethodHandle BIND =
            downcall("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    /** int getsockname(int fd, struct sockaddr *addr, socklen_t *len) */
    public static final MethodHandle GETSOCKNAME =
            downcall("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    /** ssize_t sendto(int fd, const void *buf, size_t n, int flags, const struct sockaddr *to, socklen_t len) */
    public static final MethodHandle SENDTO = downcall(
            "sendto", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    /** int sendmmsg(int fd, struct mmsghdr *vec, unsigned int n, int flags) */
    public static final MethodHandle SENDMMSG =
            downcall("sendmmsg", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    /**
     * sendmmsg without errno capture: the linker slices the capture segment on every call, which
     * C2 does not always scalar-replace (40 bytes per call). Used first; a -1 (nothing was sent) is
     * repeated through {@link #SENDMMSG} to learn errno, which is safe because no datagram went out.
     */
    public static final MethodHandle SENDMMSG_FAST = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("sendmmsg"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    /** int recvmmsg(int fd, struct mmsghdr *vec, unsigned int n, int flags, struct timespec *timeout) */
    public static final MethodHandle RECVMMSG =
            downcall("recvmmsg", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    /** int shutdown(int fd, int how): wakes a thread blocked receiving on the socket. */
    public static final MethodHandle SHUTDOWN =
            downcall("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    /** int close(int fd) */
    public static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    /** char *strerror(int errnum): used only to word an exception, never on the packet path. */
    private static final MethodHandle STRERROR = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("strerror"), FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private Libc() {}

    private static MethodHandle downcall(String name, FunctionDescriptor fd, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = CAPTURE_ERRNO;
        System.arraycopy(extra, 0, options, 1, extra.length);
        return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name), fd, options);
    }

    /** The errno a captured call left in {@code capture}. */
    public static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    /** "Operation not permitted (errno 1)": the C library's wording and the number. */
    public static String describe(int errno) {
        try {
            MemorySegment msg = (MemorySegment) STRERROR.invokeExact(errno);
            return msg.reinterpret(256).getString(0) + " (errno " + errno + ")";
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    /** Closes {@code fd}, ignoring errors: used on cleanup paths only. */
    public static void closeQuietly(int fd, Arena scratch) {
        if (fd < 0) {
            return;
        }
        try {
            int ignored = (int) CLOSE.invokeExact(scratch.allocate(CAPTURE_LAYOUT), fd);
        } catch (Throwable ignored) {
            // Nothing useful can be done about a failed close on a cleanup path.
        }
    }
}
