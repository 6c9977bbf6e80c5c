package dev.psk.tunnel.io.tun;

import dev.psk.tunnel.io.DescriptorClosedException;
import dev.psk.tunnel.io.FdGuard;
import dev.psk.tunnel.io.Libc;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Linux TUN interface (IFF_TUN | IFF_NO_PI, and IFF_VNET_HDR with offloads) opened through
 * {@code /dev/net/tun} with the Foreign Function &amp; Memory API: one IP packet per
 * {@link #read}/{@link #write} for the caller, no packet-information prefix, not persistent (the
 * interface disappears when this object is closed or the process dies). With offloads the device
 * exchanges larger TCP frames with the kernel, cut up on read ({@link TcpSegmenter}) and joined on
 * write until {@link #flush} ({@link TcpCoalescer}); see {@link #open(String, int, boolean)}.
 *
 * <p>Hot path: with a <em>direct</em> {@link ByteBuffer} a call is one {@code read(2)} or
 * {@code write(2)} straight into or out of the buffer's memory (made without errno capture, whose
 * per-call segment slice C2 does not always eliminate; a failed call is repeated with capture to
 * learn errno, which is safe because nothing was transferred); the errno capture and poll
 * structures are preallocated per direction, so a call allocates nothing and copies nothing. A heap
 * buffer works too, through a per-direction direct scratch buffer (one copy).
 *
 * <p>Closing while a reader is blocked: the descriptor is non-blocking; a reader that finds no
 * packet waits in {@code poll(2)} on the TUN descriptor <em>and</em> an eventfd. {@link #close()}
 * signals the eventfd, which wakes the reader at once (it returns -1); an {@link FdGuard} closes the
 * descriptors only once no call is inside this object, so a descriptor number is never closed under
 * a running call. The alternative, a poll timeout, would wake idle readers periodically and still
 * delay close.
 *
 * <p>Thread-safety: one reader thread and one writer thread may use the device concurrently
 * ({@link TunDevice}); {@link #close()} may be called from any thread, any number of times.
 */
public final class LinuxTun implements TunDevice {

    private final String name;
    /** "TUN device 'name'", made once: the write path must not build strings. */
    private final String label;

    private final int mtu;
    private final int fd;
    private final int wakeFd;
    private final Arena arena;
    private final Direction reader;
    private final Direction writer;
    /** Brackets every use of {@code fd}/{@code wakeFd}/{@code arena}; closes them when none is left. */
    private final FdGuard guard;

    private final AtomicLong oversizedDrops = new AtomicLong();
    private final AtomicLong malformedFrames = new AtomicLong();
    private final AtomicLong gsoFrames = new AtomicLong();
    /** Offloads on: frames carry a virtio header; reads are segmented, writes coalesced. */
    private final boolean offload;
    /** Reader side of the offload: the frame last read and what is left of it. */
    private final ByteBuffer rxFrame;

    private final TcpSegmenter segmenter;
    /** Writer side of the offload; {@code coalescing} goes off for good if the kernel refuses a frame. */
    private final TcpCoalescer coalescer;

    private volatile boolean coalescing;
    /** errno of the last failed write (writer thread only). */
    private int lastWriteErrno;

    /** Per-direction native scratch: errno capture, two pollfds, a direct buffer for heap callers. */
    private static final class Direction {
        final MemorySegment capture;
        final MemorySegment pollFds;
        ByteBuffer heapScratch;
        /** The last direct buffer used and its base address: the packet threads reuse theirs. */
        ByteBuffer lastBuffer;

        long lastBase;

        /** Native address of {@code b}'s element 0 (computed once per buffer object). */
        long baseOf(ByteBuffer b) {
            if (b != lastBuffer) {
                lastBase = MemorySegment.ofBuffer(b.duplicate().clear()).address();
                lastBuffer = b;
            }
            return lastBase;
        }

        Direction(Arena arena, int fd, int wakeFd, short events) {
            capture = arena.allocate(Libc.CAPTURE_LAYOUT);
            pollFds = arena.allocate(2L * Libc.POLLFD_BYTES, 8);
            pollFds.set(ValueLayout.JAVA_INT, 0, fd);
            pollFds.set(ValueLayout.JAVA_SHORT, 4, events);
            pollFds.set(ValueLayout.JAVA_INT, 8, wakeFd);
            pollFds.set(ValueLayout.JAVA_SHORT, 12, Libc.POLLIN);
        }
    }

    private LinuxTun(TunOpener.Opened opened, int mtu, boolean offload) {
        this.name = opened.name();
        this.label = "TUN device '" + name + "'";
        this.mtu = mtu;
        this.fd = opened.fd();
        this.wakeFd = opened.wakeFd();
        this.arena = opened.arena();
        this.reader = new Direction(arena, fd, wakeFd, Libc.POLLIN);
        this.writer = new Direction(arena, fd, wakeFd, Libc.POLLOUT);
        this.offload = offload;
        this.rxFrame =
                offload ? ByteBuffer.allocateDirect(VirtioNetHeader.BYTES + TcpCoalescer.MAX_PACKET_BYTES) : null;
        this.segmenter = offload ? new TcpSegmenter() : null;
        this.coalescer = offload ? new TcpCoalescer() : null;
        this.coalescing = opened.offloadAccepted();
        this.guard = new FdGuard(this::wakeReaders, this::release);
    }

    /** {@link #open(String, int, boolean)} with offloads on. */
    public static LinuxTun open(String name, int mtu) throws IOException {
        return open(name, mtu, true);
    }

    /**
     * Creates (or attaches to a free) TUN interface {@code name} and sets its MTU. The interface is
     * left down and unaddressed: see {@link TunConfigurator}.
     *
     * <p>With {@code offload}, the device is opened with {@code IFF_VNET_HDR} and TCP segmentation
     * and checksum offload ({@code TUNSETOFFLOAD}): the kernel hands over TCP "super-packets" of up
     * to 64 KiB that {@link #read} cuts into MTU-sized packets with complete checksums
     * ({@link TcpSegmenter}), and {@link #write} joins consecutive segments of a TCP flow into one
     * frame for the kernel ({@link TcpCoalescer}) until {@link #flush}. Callers see ordinary packets
     * either way. If the kernel refuses the offload flags, the device still works without them.
     *
     * @param name interface name, 1-15 bytes, no '/', ':' or whitespace; may contain one "%d"
     *     for the kernel to pick a number (the chosen name is {@link #name()})
     * @param mtu 68..65535
     * @throws IOException naming the device and the reason (missing tun module, no CAP_NET_ADMIN,
     *     name in use, ...)
     */
    public static LinuxTun open(String name, int mtu, boolean offload) throws IOException {
        TunOpener.Opened opened = TunOpener.open(name, mtu, offload);
        try {
            return new LinuxTun(opened, mtu, offload);
        } catch (RuntimeException | Error e) {
            opened.closeQuietly();
            throw e;
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    /** Packets longer than the room the caller gave, dropped whole (the MTU was raised under us). */
    public long oversizedDrops() {
        return oversizedDrops.get();
    }

    @Override
    public long readDrops() {
        return oversizedDrops.get() + malformedFrames.get();
    }

    /** Offloaded frames from the kernel that could not be segmented (dropped). */
    public long malformedFrames() {
        return malformedFrames.get();
    }

    @Override
    public long gsoFrames() {
        return gsoFrames.get();
    }

    /** Whether frames carry a virtio header (TSO on reads; GSO frames on writes while {@link #coalescing()}). */
    public boolean offload() {
        return offload;
    }

    @Override
    public String offloadReport() {
        if (!offload) {
            return "TUN offloads: off (--no-tun-offload)";
        }
        return coalescing
                ? "TUN offloads: TCP segmentation (TSO4/6) and receive coalescing, both in user space"
                : "TUN offloads: refused by the kernel (TUNSETOFFLOAD, or a joined frame); packets go one by one";
    }

    /** Whether writes are still being joined into GSO frames. */
    public boolean coalescing() {
        return coalescing;
    }

    @Override
    public long coalescedPackets() {
        return offload ? coalescer.coalescedPackets() : 0;
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code dst} should have at least {@link #mtu()} bytes remaining; a longer packet (the MTU was
     * raised behind this object's back) is dropped and counted in {@link #oversizedDrops()}.
     */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!dst.isDirect()) {
            return readViaScratch(dst);
        }
        return readDirect(dst, true);
    }

    /**
     * {@inheritDoc}
     *
     * <p>One {@code read(2)} on the non-blocking descriptor, no {@code poll(2)}. A heap buffer gets
     * 0 (the batching caller then sends what it has and blocks in {@link #read}).
     */
    @Override
    public int readNow(ByteBuffer dst) throws IOException {
        if (!dst.isDirect()) {
            return 0;
        }
        return readDirect(dst, false);
    }

    /**
     * One packet into a direct buffer. On EAGAIN it waits in {@code poll(2)} when {@code wait} is
     * set (-1 once closed), else returns 0.
     */
    private int readDirect(ByteBuffer dst, boolean wait) throws IOException {
        if (!offload) {
            return readRaw(dst, wait);
        }
        int room = dst.remaining();
        while (true) {
            if (segmenter.remaining() > 0) {
                return segmenter.next(dst);
            }
            rxFrame.clear();
            int n = readRaw(rxFrame, wait);
            if (n <= 0) {
                return n;
            }
            int packets = segmenter.load(rxFrame, 0, n);
            if (packets == 0) {
                malformedFrames.incrementAndGet();
            } else if (segmenter.largestPacket() > room) {
                oversizedDrops.incrementAndGet();
                segmenter.load(rxFrame, 0, 0); // discard the rest of the frame
            } else if (packets > 1) {
                gsoFrames.incrementAndGet();
            }
        }
    }

    /** One read(2) of whatever the device gives (a frame when offloading) into {@code dst}. */
    private int readRaw(ByteBuffer dst, boolean wait) throws IOException {
        if (!guard.enter()) {
            return -1;
        }
        try {
            int pos = dst.position();
            int room = dst.limit() - pos;
            long target = reader.baseOf(dst) + pos;
            while (true) {
                long n = (long) Libc.READ_FAST.invokeExact(fd, target, (long) room);
                if (n < 0) {
                    n = (long) Libc.READ.invokeExact(reader.capture, fd, MemorySegment.ofBuffer(dst), (long) room);
                }
                if (n >= 0) {
                    if (n > room) {
                        oversizedDrops.incrementAndGet();
                        continue;
                    }
                    dst.position(pos + (int) n);
                    return (int) n;
                }
                int e = Libc.errno(reader.capture);
                if (e == Libc.EAGAIN) {
                    if (!wait) {
                        return 0;
                    }
                    if (!await(reader)) {
                        return -1;
                    }
                } else if (e != Libc.EINTR) {
                    throw failure("read", e);
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("TUN device '" + name + "': read failed: " + t, t);
        } finally {
            Reference.reachabilityFence(dst);
            guard.leave();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>With offloads on, a TCP segment may be held to be joined with the ones after it; it reaches
     * the kernel at the latest on {@link #flush}, and in any case before any later packet.
     */
    @Override
    public void write(ByteBuffer src) throws IOException {
        if (offload) {
            int off = src.position();
            int len = src.remaining();
            if (!coalescing || !coalescer.append(src, off, len)) {
                flush();
                coalescer.start(src, off, len);
            }
            src.position(off + len);
            if (!coalescing || !coalescer.canGrow()) {
                flush(); // only a frame that more segments may join waits (until flush() at the latest)
            }
            return;
        }
        writeRaw(src);
    }

    /** Writes out a packet held for joining, if any. */
    @Override
    public void flush() throws IOException {
        if (offload && !coalescer.isEmpty()) {
            boolean joined = coalescer.pendingSegments() > 1;
            try {
                writeRaw(coalescer.take());
            } catch (IOException e) {
                if (joined && lastWriteErrno == Libc.EINVAL) {
                    coalescing = false; // this kernel does not take GSO frames from us: stop making them
                }
                throw e;
            }
        }
    }

    /** One write(2) of {@code src}'s remaining bytes. */
    private void writeRaw(ByteBuffer src) throws IOException {
        if (!src.isDirect()) {
            writeViaScratch(src);
            return;
        }
        guard.enterOrThrow(label);
        try {
            int len = src.remaining();
            long source = writer.baseOf(src) + src.position();
            while (true) {
                long n = (long) Libc.WRITE_FAST.invokeExact(fd, source, (long) len);
                if (n < 0) {
                    n = (long) Libc.WRITE.invokeExact(writer.capture, fd, MemorySegment.ofBuffer(src), (long) len);
                }
                if (n >= 0) {
                    // TUN writes are whole packets: the driver takes all of it or fails.
                    src.position(src.position() + (int) n);
                    return;
                }
                int e = Libc.errno(writer.capture);
                if (e == Libc.EAGAIN) {
                    if (!await(writer)) {
                        throw new DescriptorClosedException(label);
                    }
                } else if (e != Libc.EINTR) {
                    lastWriteErrno = e;
                    throw failure("write of " + len + " bytes", e);
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("TUN device '" + name + "': write failed: " + t, t);
        } finally {
            Reference.reachabilityFence(src);
            guard.leave();
        }
    }

    private int readViaScratch(ByteBuffer dst) throws IOException {
        ByteBuffer scratch = reader.heapScratch;
        if (scratch == null || scratch.capacity() < dst.remaining()) {
            scratch = reader.heapScratch = ByteBuffer.allocateDirect(Math.max(dst.remaining(), mtu));
        }
        scratch.clear().limit(dst.remaining());
        int n = read(scratch);
        if (n > 0) {
            dst.put(scratch.flip());
        }
        return n;
    }

    private void writeViaScratch(ByteBuffer src) throws IOException {
        ByteBuffer scratch = writer.heapScratch;
        if (scratch == null || scratch.capacity() < src.remaining()) {
            scratch = writer.heapScratch = ByteBuffer.allocateDirect(Math.max(src.remaining(), mtu));
        }
        scratch.clear();
        scratch.put(src).flip();
        writeRaw(scratch);
    }

    /** The guard's release: runs once, when no call is inside. */
    private void release() {
        Libc.closeQuietly(fd, arena);
        Libc.closeQuietly(wakeFd, arena);
        arena.close();
    }

    /** The guard's wake-up: one eventfd write makes every poll(2) in {@link #await} return. */
    private void wakeReaders() throws Throwable {
        MemorySegment one = arena.allocate(ValueLayout.JAVA_LONG);
        one.set(ValueLayout.JAVA_LONG, 0, 1L);
        long ignored = (long) Libc.WRITE.invokeExact(arena.allocate(Libc.CAPTURE_LAYOUT), wakeFd, one, 8L);
    }

    /** Waits until the TUN fd is ready for {@code d}'s events or close() signals; false when closing. */
    private boolean await(Direction d) throws Throwable {
        while (!guard.isClosing()) {
            int rc = (int) Libc.POLL.invokeExact(d.capture, d.pollFds, 2L, -1);
            if (rc < 0 && Libc.errno(d.capture) != Libc.EINTR) {
                throw failure("poll", Libc.errno(d.capture));
            }
            if (rc > 0) {
                return !guard.isClosing();
            }
        }
        return false;
    }

    private IOException failure(String what, int errno) {
        String hint = errno == Libc.EIO ? " (is the interface down?)" : "";
        return new IOException("TUN device '" + name + "': " + what + " failed: " + Libc.describe(errno) + hint);
    }

    /**
     * Wakes a blocked reader (it returns -1), waits up to 2 s for calls in flight to return, then
     * closes the descriptors: the interface disappears. If a call is still inside after 2 s (a thread
     * starved of CPU), the descriptors are closed when it leaves ({@link FdGuard}). Idempotent.
     */
    @Override
    public void close() {
        guard.close();
    }

    @Override
    public String toString() {
        return "LinuxTun[" + name + ", mtu " + mtu + (guard.isClosing() ? ", closed" : "") + "]";
    }
}
