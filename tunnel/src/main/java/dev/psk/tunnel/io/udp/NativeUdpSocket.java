package dev.psk.tunnel.io.udp;

import dev.psk.tunnel.io.FdGuard;
import dev.psk.tunnel.io.Libc;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * An unconnected, blocking UDP socket owned through its descriptor with the Foreign Function &amp;
 * Memory API, so that the packet threads can move many datagrams per system call:
 * {@code recvmmsg(2)} with {@code MSG_WAITFORONE} (block for the first, take whatever else is
 * queued) and {@code sendmmsg(2)} (one call for a batch). {@link java.nio.channels.DatagramChannel}
 * offers one datagram per call and does not expose its descriptor.
 *
 * <p>Offloads (Linux): batch sends coalesce runs of equal datagrams to one destination with
 * {@code UDP_SEGMENT} (see {@link #send(DatagramBatch, int)}); receives ask for {@code UDP_GRO} and
 * split what the kernel coalesced (see {@link #bind(InetSocketAddress, int, boolean)}). Either way
 * callers and peers see exactly the datagrams a socket without offloads would give.
 *
 * <p>Per call nothing is allocated: the errno capture is preallocated per direction and the
 * datagrams live in a {@link DatagramBatch}. {@link #send(ByteBuffer, InetSocketAddress)} is the
 * slow path for control messages (any thread).
 *
 * <p>Closing: {@link #close()} calls {@code shutdown(SHUT_RDWR)}, which wakes a thread blocked in
 * {@code recvmmsg} (Linux wakes receivers even on an unconnected UDP socket), then closes the
 * descriptor once no call is inside this object ({@link FdGuard}), so a descriptor number is never
 * closed under a running call or reused by another open before it returns.
 *
 * <p>Thread-safety: one receiving thread, one batch-sending thread and any number of control senders.
 */
public final class NativeUdpSocket implements AutoCloseable {
    /** Whether {@link #bind(InetSocketAddress, int)} asks for UDP_GRO. */
    public static final boolean RECEIVE_OFFLOAD_DEFAULT = true;

    private final int fd;
    private final boolean inet6;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment rxCapture;
    private final MemorySegment closeCapture;
    /** Brackets every use of {@code fd} and {@code arena}; closes them when no call is left. */
    private final FdGuard guard;

    private final BatchSender sender;

    /** Receive staging when the kernel coalesces (UDP_GRO), else null. */
    private final GroStaging gro;

    private NativeUdpSocket(int fd, boolean inet6, boolean segmentationSupported, boolean receiveOffload) {
        this.fd = fd;
        this.inet6 = inet6;
        this.gro = receiveOffload ? new GroStaging(arena) : null;
        this.rxCapture = arena.allocate(Libc.CAPTURE_LAYOUT);
        this.sender = new BatchSender(this, fd, arena.allocate(Libc.CAPTURE_LAYOUT), segmentationSupported);
        this.closeCapture = arena.allocate(Libc.CAPTURE_LAYOUT);
        this.guard = new FdGuard(this::wakeReceiver, this::release);
    }

    /**
     * Opens a UDP socket of {@code local}'s family (IPv6 sockets also take IPv4, v4-mapped), asks for
     * {@code bufferBytes} of receive and send buffer (the kernel caps them at rmem_max/wmem_max) and
     * binds it. Segmentation offload on sends is on where the kernel has it; receive offload is
     * {@link #RECEIVE_OFFLOAD_DEFAULT}.
     *
     * @throws IOException naming the address and the reason (address in use, permission, ...)
     */
    public static NativeUdpSocket bind(InetSocketAddress local, int bufferBytes) throws IOException {
        return bind(local, bufferBytes, RECEIVE_OFFLOAD_DEFAULT);
    }

    /**
     * As {@link #bind(InetSocketAddress, int)}, choosing receive offload: with {@code receiveOffload}
     * the socket asks for {@code UDP_GRO} (Linux 5.0; silently without it on older kernels), so the
     * kernel may deliver a sender's burst of equal datagrams as one buffer, which {@link #receive}
     * splits back into one datagram per slot (a copy each, and about 2 MiB of staging memory).
     *
     * @throws IOException naming the address and the reason (address in use, permission, ...)
     */
    public static NativeUdpSocket bind(InetSocketAddress local, int bufferBytes, boolean receiveOffload)
            throws IOException {
        InetAddress address = local.getAddress();
        if (address == null) {
            throw new IOException("cannot bind UDP socket to unresolved address " + local);
        }
        boolean v6 = address instanceof Inet6Address;
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment capture = scratch.allocate(Libc.CAPTURE_LAYOUT);
            int fd = (int) Libc.SOCKET.invokeExact(
                    capture, v6 ? Libc.AF_INET6 : Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw new IOException("cannot open a UDP socket: " + Libc.describe(Libc.errno(capture)));
            }
            boolean ok = false;
            try {
                if (v6) {
                    setInt(scratch, capture, fd, Libc.IPPROTO_IPV6, Libc.IPV6_V6ONLY, 0, "IPV6_V6ONLY");
                }
                setInt(scratch, capture, fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, bufferBytes, "SO_RCVBUF");
                setInt(scratch, capture, fd, Libc.SOL_SOCKET, Libc.SO_SNDBUF, bufferBytes, "SO_SNDBUF");
                MemorySegment sa = scratch.allocate(32, 8);
                int len = DatagramBatch.encode(local, sa, v6);
                int rc = (int) Libc.BIND.invokeExact(capture, fd, sa, len);
                if (rc < 0) {
                    int e = Libc.errno(capture);
                    String hint = e == Libc.EADDRINUSE ? ": another process (or tunnel) uses this port" : "";
                    throw new IOException("cannot bind UDP socket to " + local + ": " + Libc.describe(e) + hint);
                }
                // Kernels before 4.18 ignore a SOL_UDP control message and would send a run as one
                // large datagram, so probe: getsockopt(UDP_SEGMENT) fails (ENOPROTOOPT) there.
                MemorySegment gso = scratch.allocate(ValueLayout.JAVA_INT);
                MemorySegment gsoLen = scratch.allocateFrom(ValueLayout.JAVA_INT, 4);
                boolean segmentation =
                        (int) Libc.GETSOCKOPT.invokeExact(capture, fd, Libc.SOL_UDP, Libc.UDP_SEGMENT, gso, gsoLen)
                                == 0;
                boolean coalesce = receiveOffload
                        && (int) Libc.SETSOCKOPT.invokeExact(
                                        capture,
                                        fd,
                                        Libc.SOL_UDP,
                                        Libc.UDP_GRO,
                                        scratch.allocateFrom(ValueLayout.JAVA_INT, 1),
                                        4)
                                == 0;
                NativeUdpSocket socket = new NativeUdpSocket(fd, v6, segmentation, coalesce);
                ok = true;
                return socket;
            } finally {
                if (!ok) {
                    Libc.closeQuietly(fd, scratch);
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("UDP socket " + local + ": native call failed: " + t, t);
        }
    }

    private static void setInt(
            Arena scratch, MemorySegment capture, int fd, int level, int name, int value, String what)
            throws Throwable {
        MemorySegment v = scratch.allocateFrom(ValueLayout.JAVA_INT, value);
        int rc = (int) Libc.SETSOCKOPT.invokeExact(capture, fd, level, name, v, 4);
        if (rc < 0) {
            throw new IOException("cannot set " + what + " on the UDP socket: " + Libc.describe(Libc.errno(capture)));
        }
    }

    private int getInt(int level, int name, String what) throws IOException {
        guard.enterOrThrow("UDP socket");
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment capture = scratch.allocate(Libc.CAPTURE_LAYOUT);
            MemorySegment v = scratch.allocate(ValueLayout.JAVA_INT);
            MemorySegment len = scratch.allocateFrom(ValueLayout.JAVA_INT, 4);
            int rc = (int) Libc.GETSOCKOPT.invokeExact(capture, fd, level, name, v, len);
            if (rc < 0) {
                throw new IOException(
                        "cannot read " + what + " of the UDP socket: " + Libc.describe(Libc.errno(capture)));
            }
            return v.get(ValueLayout.JAVA_INT, 0);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("getsockopt failed: " + t, t);
        } finally {
            guard.leave();
        }
    }

    /** setsockopt with an int value on the open socket (tests provoke kernel refusals with it). */
    void setIntOption(int level, int name, int value) throws IOException {
        guard.enterOrThrow("UDP socket");
        try (Arena scratch = Arena.ofConfined()) {
            setInt(
                    scratch,
                    scratch.allocate(Libc.CAPTURE_LAYOUT),
                    fd,
                    level,
                    name,
                    value,
                    "option " + level + "/" + name);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("setsockopt failed: " + t, t);
        } finally {
            guard.leave();
        }
    }

    /** The receive buffer the kernel granted (Linux reports twice the usable size). */
    public int receiveBufferBytes() throws IOException {
        return getInt(Libc.SOL_SOCKET, Libc.SO_RCVBUF, "SO_RCVBUF");
    }

    /** The send buffer the kernel granted (Linux reports twice the usable size). */
    public int sendBufferBytes() throws IOException {
        return getInt(Libc.SOL_SOCKET, Libc.SO_SNDBUF, "SO_SNDBUF");
    }

    /** The bound address (the port the kernel chose for port 0). */
    public InetSocketAddress localAddress() throws IOException {
        guard.enterOrThrow("UDP socket");
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment capture = scratch.allocate(Libc.CAPTURE_LAYOUT);
            DatagramBatch one = new DatagramBatch(1, 1, inet6);
            MemorySegment sa = scratch.allocate(32, 8);
            MemorySegment len = scratch.allocateFrom(ValueLayout.JAVA_INT, 32);
            int rc = (int) Libc.GETSOCKNAME.invokeExact(capture, fd, sa, len);
            if (rc < 0) {
                throw new IOException("getsockname failed: " + Libc.describe(Libc.errno(capture)));
            }
            one.names().asSlice(0, 32).copyFrom(sa);
            return one.source(0);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("getsockname failed: " + t, t);
        } finally {
            guard.leave();
        }
    }

    /** A batch sized for this socket's address family. */
    public DatagramBatch newBatch(int datagrams, int slotBytes) {
        return new DatagramBatch(datagrams, slotBytes, inet6);
    }

    /**
     * Blocks until at least one datagram arrives, then takes up to {@code batch.capacity()} that are
     * queued, in arrival order.
     *
     * @return how many slots were filled (at least 1), or -1 once the socket is closed
     * @throws IOException an unexpected receive error (the socket stays usable)
     */
    public int receive(DatagramBatch batch) throws IOException {
        if (!guard.enter()) {
            return -1;
        }
        try {
            if (gro != null) {
                return receiveCoalesced(batch);
            }
            int cap = batch.capacity();
            while (true) {
                batch.prepareReceive(cap);
                int n = recvmmsg(rxCapture, fd, batch.vector, cap);
                if (guard.isClosing()) {
                    return -1;
                }
                if (n > 0) {
                    batch.completeReceive(n);
                    return n;
                }
                if (!retryReceive(n)) {
                    return -1;
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("UDP receive failed: " + t, t);
        } finally {
            guard.leave();
        }
    }

    /**
     * Receive with UDP_GRO: datagrams left from the last call first (without a system call), else
     * one recvmmsg into the staging buffers, split into the batch's slots.
     */
    private int receiveCoalesced(DatagramBatch batch) throws Throwable {
        if (gro.pending()) {
            return gro.drainInto(batch);
        }
        while (true) {
            gro.prepareReceive();
            int n = recvmmsg(rxCapture, fd, gro.vector, GroStaging.MESSAGES);
            if (guard.isClosing()) {
                return -1;
            }
            if (n > 0) {
                gro.completeReceive(n);
                return gro.drainInto(batch);
            }
            if (!retryReceive(n)) {
                return -1;
            }
        }
    }

    /** After recvmmsg returned {@code n <= 0}: true to retry, false if the socket is closed; throws for a real error. */
    private boolean retryReceive(int n) throws IOException {
        int e = n < 0 ? Libc.errno(rxCapture) : Libc.EINTR;
        if (e == Libc.EBADF) {
            return false;
        }
        if (e != Libc.EINTR && e != Libc.EAGAIN) {
            throw new IOException("UDP receive failed: " + Libc.describe(e));
        }
        return true;
    }

    /** Whether the kernel may coalesce received datagrams for this socket (UDP_GRO on). */
    public boolean receiveOffload() {
        return gro != null;
    }

    /** How many received buffers held several datagrams (0 without receive offload); receiving thread's view. */
    public long coalescedReceives() {
        return gro == null ? 0 : gro.coalesced();
    }

    /**
     * Sends slots {@code 0..n-1} of {@code batch} in order, each to its destination, in as few
     * {@code sendmmsg} calls as the kernel allows. A datagram the kernel refuses (e.g. no route,
     * an ICMP error reported back) is skipped and marked not sent; the rest still go.
     *
     * <p>With {@linkplain #segmentationOffload() segmentation offload} a run of consecutive slots to
     * one destination with one length (the last may be shorter) goes as one message with a
     * {@code UDP_SEGMENT} control message: the kernel builds one large datagram and cuts it into the
     * original datagrams as late as possible (in the driver, or not at all on loopback to a
     * {@code UDP_GRO} socket), so the per-datagram cost of the stack is paid once per run. The
     * receiver sees exactly the datagrams a plain send would give. If the kernel refuses a run
     * (EIO: the route's device lacks checksum offload; EINVAL: e.g. a datagram larger than the
     * route's MTU, which only a plain send may fragment; ENOPROTOOPT, EOPNOTSUPP) while the same
     * datagrams go plainly, the socket falls back to plain sends for good
     * ({@link #segmentationFallbacks()}). A run refused for another reason (a bad destination, no
     * buffer space) is sent again plainly, datagram by datagram, and the offload stays on.
     *
     * @return how many were sent, or -1 once the socket is closed
     */
    public int send(DatagramBatch batch, int n) {
        if (!guard.enter()) {
            return -1;
        }
        try {
            return sender.send(batch, n);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("sendmmsg downcall failed", t);
        } finally {
            guard.leave();
        }
    }

    /**
     * Whether batch sends coalesce runs with {@code UDP_SEGMENT}: asked for (the default) and
     * neither unsupported by this kernel nor refused since.
     */
    public boolean segmentationOffload() {
        return sender.offload();
    }

    /**
     * Asks for (default) or stops segmentation offload on batch sends; for comparisons and as an
     * escape hatch. Turning it on again does not undo a fallback.
     */
    public void segmentationOffload(boolean on) {
        sender.offload(on);
    }

    /** How often this socket fell back to plain sends because the kernel lacks or refused UDP_SEGMENT (0 or 1). */
    public long segmentationFallbacks() {
        return sender.fallbacks();
    }

    /** How many coalesced messages (each several datagrams) the kernel accepted. */
    public long segmentedSends() {
        return sender.segmentedSends();
    }

    // The downcall sits in a method this small so that C2 inlines the whole binding chain and
    // scalar-replaces the slice the linker makes of the errno capture segment on every call
    // (otherwise 40 bytes per call: measured by NativeUdpSocketTest). sendmmsg: BatchSender.
    private static int recvmmsg(MemorySegment capture, int fd, MemorySegment vector, int n) throws Throwable {
        return (int) Libc.RECVMMSG.invokeExact(capture, fd, vector, n, Libc.MSG_WAITFORONE, MemorySegment.NULL);
    }

    /** Sends {@code datagram}'s remaining bytes to {@code to} (control messages; allocates). */
    public void send(ByteBuffer datagram, InetSocketAddress to) throws IOException {
        guard.enterOrThrow("UDP socket");
        try (Arena scratch = Arena.ofConfined()) {
            int len = datagram.remaining();
            MemorySegment payload = scratch.allocate(Math.max(len, 1));
            MemorySegment.copy(MemorySegment.ofBuffer(datagram), 0, payload, 0, len);
            MemorySegment sa = scratch.allocate(32, 8);
            int saLen = DatagramBatch.encode(to, sa, inet6);
            MemorySegment capture = scratch.allocate(Libc.CAPTURE_LAYOUT);
            while (true) {
                long n = (long) Libc.SENDTO.invokeExact(capture, fd, payload, (long) len, 0, sa, saLen);
                if (n >= 0) {
                    datagram.position(datagram.position() + len);
                    return;
                }
                int e = Libc.errno(capture);
                if (e != Libc.EINTR) {
                    throw new IOException("UDP send of " + len + " bytes to " + to + " failed: " + Libc.describe(e));
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("UDP send failed: " + t, t);
        } finally {
            guard.leave();
        }
    }

    /** Whether close() has begun: calls in flight give up at their next check. */
    boolean closing() {
        return guard.isClosing();
    }

    public boolean isOpen() {
        return !guard.isClosing();
    }

    /** The guard's release: runs once, when no call is inside. */
    private void release() {
        Libc.closeQuietly(fd, arena);
        arena.close();
    }

    /**
     * The guard's wake-up: {@code shutdown(SHUT_RDWR)} makes a thread blocked in recvmmsg return
     * (Linux wakes receivers even on an unconnected UDP socket; the call itself reports ENOTCONN).
     */
    private void wakeReceiver() throws Throwable {
        int ignored = (int) Libc.SHUTDOWN.invokeExact(closeCapture, fd, Libc.SHUT_RDWR);
    }

    /**
     * Wakes a blocked receiver (it returns -1), waits up to 2 s for calls in flight, then closes the
     * descriptor (or leaves that to the last call out, see {@link FdGuard}). Idempotent.
     */
    @Override
    public void close() {
        guard.close();
    }

    @Override
    public String toString() {
        return "NativeUdpSocket[fd " + fd + (guard.isClosing() ? ", closed" : "") + "]";
    }
}
