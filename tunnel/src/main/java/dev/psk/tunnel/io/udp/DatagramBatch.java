package dev.psk.tunnel.io.udp;

import dev.psk.tunnel.io.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A vector of datagrams for one {@code recvmmsg(2)} or {@code sendmmsg(2)} call on a
 * {@link NativeUdpSocket}: {@link #capacity()} slots, each a direct {@link ByteBuffer} of
 * {@link #slotBytes()} bytes, its own {@code struct sockaddr_in6} storage and {@code iovec}, all in
 * one native allocation made once. Owned by one thread; nothing is allocated per datagram as long as
 * the peer addresses repeat (addresses are decoded and encoded through small caches).
 *
 * <p>Receive: {@link NativeUdpSocket#receive} fills slots {@code 0..n-1}; {@link #length(int)} and
 * {@link #source(int)} describe each. Send: the caller fills a slot's buffer (position..limit is the
 * datagram), calls {@link #destination(int, InetSocketAddress)}, then {@link NativeUdpSocket#send}
 * sends slots {@code 0..n-1} in order and records per slot whether the kernel took it ({@link #sent(int)}).
 */
public final class DatagramBatch {
    private static final int ADDRESS_CACHE = 64;
    // Network byte order views, made once: deriving a layout per call allocates.
    private static final ValueLayout.OfShort NET_SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt NET_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong NET_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final int capacity;
    private final int slotBytes;
    private final boolean inet6;
    private final MemorySegment data;
    private final MemorySegment names;
    private final MemorySegment iovecs;
    final MemorySegment vector;
    /** vectorFrom[i]: the mmsghdr array from entry i on (sendmmsg resumes after a refused datagram). */
    private final MemorySegment[] vectorFrom;

    private final ByteBuffer[] buffers;
    private final boolean[] sent;
    private final int[] lengths;
    // Segmentation offload (UDP_SEGMENT): a second mmsghdr vector whose messages each cover a run of
    // consecutive slots (their iovecs are contiguous, so a message points into the slot iovec array),
    // with one UDP_SEGMENT control message per entry. Filled by planSegments.
    private final MemorySegment segmentVector;
    private final MemorySegment[] segmentVectorFrom;
    private final MemorySegment controls;
    private final int[] sendLengths;
    private final int[] messageFirst;
    private final int[] messageCount;
    // Decoded-source cache, direct-mapped by a hash of the address.
    private final long[] cacheHi = new long[ADDRESS_CACHE];
    private final long[] cacheLo = new long[ADDRESS_CACHE];
    private final long[] cacheTag = new long[ADDRESS_CACHE];
    private final InetSocketAddress[] cacheAddress = new InetSocketAddress[ADDRESS_CACHE];
    // Last encoded destination (compared by identity: peers keep their endpoint object).
    private InetSocketAddress lastDestination;
    private final MemorySegment lastEncoded;
    private int lastEncodedLength;

    DatagramBatch(int capacity, int slotBytes, boolean inet6) {
        if (capacity < 1 || capacity > 1024 || slotBytes < 1) {
            throw new IllegalArgumentException("batch of " + capacity + " x " + slotBytes + " bytes");
        }
        this.capacity = capacity;
        this.slotBytes = slotBytes;
        this.inet6 = inet6;
        Arena arena = Arena.ofShared();
        data = arena.allocate((long) capacity * slotBytes, 64);
        names = arena.allocate((long) capacity * 32, 8);
        iovecs = arena.allocate((long) capacity * Libc.IOVEC_BYTES, 8);
        vector = arena.allocate((long) capacity * Libc.MMSGHDR_BYTES, 8);
        lastEncoded = arena.allocate(32, 8);
        segmentVector = arena.allocate((long) capacity * Libc.MMSGHDR_BYTES, 8);
        controls = arena.allocate((long) capacity * Libc.CMSG_SPACE_U16, 8);
        buffers = new ByteBuffer[capacity];
        vectorFrom = new MemorySegment[capacity];
        segmentVectorFrom = new MemorySegment[capacity];
        sent = new boolean[capacity];
        lengths = new int[capacity];
        sendLengths = new int[capacity];
        messageFirst = new int[capacity];
        messageCount = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            buffers[i] = data.asSlice((long) i * slotBytes, slotBytes).asByteBuffer();
            long msg = (long) i * Libc.MMSGHDR_BYTES;
            vectorFrom[i] = vector.asSlice(msg);
            vector.set(ValueLayout.ADDRESS, msg + Libc.MSGHDR_NAME, names.asSlice(i * 32L, 32));
            vector.set(ValueLayout.ADDRESS, msg + Libc.MSGHDR_IOV, iovecs.asSlice((long) i * Libc.IOVEC_BYTES));
            vector.set(ValueLayout.JAVA_LONG, msg + Libc.MSGHDR_IOVLEN, 1L);
            // struct cmsghdr {size_t len; int level; int type;} then the u16 segment size.
            long cmsg = (long) i * Libc.CMSG_SPACE_U16;
            controls.set(ValueLayout.JAVA_LONG, cmsg, Libc.CMSG_LEN_U16);
            controls.set(ValueLayout.JAVA_INT, cmsg + 8, Libc.SOL_UDP);
            controls.set(ValueLayout.JAVA_INT, cmsg + 12, Libc.UDP_SEGMENT);
            segmentVectorFrom[i] = segmentVector.asSlice(msg);
            segmentVector.set(
                    ValueLayout.ADDRESS, msg + Libc.MSGHDR_CONTROL, controls.asSlice(cmsg, Libc.CMSG_SPACE_U16));
        }
    }

    public int capacity() {
        return capacity;
    }

    public int slotBytes() {
        return slotBytes;
    }

    /** Slot {@code i}'s buffer (direct, {@link #slotBytes()} capacity); always the same object. */
    public ByteBuffer buffer(int i) {
        return buffers[i];
    }

    /** The length of the datagram received into slot {@code i}. */
    public int length(int i) {
        return lengths[i];
    }

    /** After a send: whether the kernel accepted slot {@code i}. */
    public boolean sent(int i) {
        return sent[i];
    }

    MemorySegment vectorFrom(int i) {
        return vectorFrom[i];
    }

    MemorySegment names() {
        return names;
    }

    /** Arms slots 0..n-1 for receiving: whole slot, full-size address storage. */
    void prepareReceive(int n) {
        for (int i = 0; i < n; i++) {
            long iov = (long) i * Libc.IOVEC_BYTES;
            iovecs.set(ValueLayout.JAVA_LONG, iov, data.address() + (long) i * slotBytes);
            iovecs.set(ValueLayout.JAVA_LONG, iov + 8, slotBytes);
            vector.set(ValueLayout.JAVA_INT, (long) i * Libc.MMSGHDR_BYTES + Libc.MSGHDR_NAMELEN, Libc.SOCKADDR_BYTES);
        }
    }

    /** Records what the kernel wrote for slots 0..n-1. */
    void completeReceive(int n) {
        for (int i = 0; i < n; i++) {
            lengths[i] = vector.get(ValueLayout.JAVA_INT, (long) i * Libc.MMSGHDR_BYTES + Libc.MMSGHDR_LEN);
        }
    }

    /**
     * Receive side without recvmmsg: slot {@code i} gets {@code len} bytes of {@code from} at
     * {@code offset} (cut to the slot) and the 32-byte address storage of {@code name} at
     * {@code nameOffset}.
     */
    void fill(int i, MemorySegment from, long offset, int len, MemorySegment name, long nameOffset) {
        int n = Math.min(len, slotBytes);
        MemorySegment.copy(from, offset, data, (long) i * slotBytes, n);
        MemorySegment.copy(name, nameOffset, names, i * 32L, 32);
        lengths[i] = n;
    }

    /** Points slots 0..n-1 at their buffers' position..limit and clears their sent flags. */
    void prepareSend(int n) {
        for (int i = 0; i < n; i++) {
            ByteBuffer b = buffers[i];
            long iov = (long) i * Libc.IOVEC_BYTES;
            iovecs.set(ValueLayout.JAVA_LONG, iov, data.address() + (long) i * slotBytes + b.position());
            iovecs.set(ValueLayout.JAVA_LONG, iov + 8, b.remaining());
            sendLengths[i] = b.remaining();
            sent[i] = false;
        }
    }

    /**
     * After {@link #prepareSend}: groups slots {@code 0..n-1} into messages of the segment vector.
     * A message takes a run of consecutive slots to the same destination, all of one non-zero length
     * except the last, which may be shorter (never empty: the kernel would not emit an empty
     * segment), at most {@code maxSegments} slots and {@code maxBytes} in all; it carries a
     * UDP_SEGMENT control message with the run's length. A slot that starts no run is a message of
     * its own without control message, as in the plain vector.
     *
     * @return the number of messages (equal to {@code n} when nothing could be coalesced)
     */
    int planSegments(int n, int maxSegments, int maxBytes) {
        int m = 0;
        int i = 0;
        while (i < n) {
            int size = sendLengths[i];
            int count = 1;
            long total = size;
            if (size > 0) {
                while (i + count < n && count < maxSegments) {
                    int next = sendLengths[i + count];
                    if (next > size || next == 0 || total + next > maxBytes || !sameDestination(i, i + count)) {
                        break;
                    }
                    total += next;
                    count++;
                    if (next < size) {
                        break; // a shorter datagram ends the run
                    }
                }
            }
            long msg = (long) m * Libc.MMSGHDR_BYTES;
            long plain = (long) i * Libc.MMSGHDR_BYTES;
            segmentVector.set(ValueLayout.JAVA_LONG, msg + Libc.MSGHDR_NAME, names.address() + i * 32L);
            segmentVector.set(
                    ValueLayout.JAVA_INT,
                    msg + Libc.MSGHDR_NAMELEN,
                    vector.get(ValueLayout.JAVA_INT, plain + Libc.MSGHDR_NAMELEN));
            segmentVector.set(
                    ValueLayout.JAVA_LONG, msg + Libc.MSGHDR_IOV, iovecs.address() + (long) i * Libc.IOVEC_BYTES);
            segmentVector.set(ValueLayout.JAVA_LONG, msg + Libc.MSGHDR_IOVLEN, count);
            segmentVector.set(
                    ValueLayout.JAVA_LONG, msg + Libc.MSGHDR_CONTROLLEN, count > 1 ? Libc.CMSG_SPACE_U16 : 0L);
            controls.set(ValueLayout.JAVA_SHORT, (long) m * Libc.CMSG_SPACE_U16 + Libc.CMSG_DATA, (short) size);
            messageFirst[m] = i;
            messageCount[m] = count;
            m++;
            i += count;
        }
        return m;
    }

    private boolean sameDestination(int a, int b) {
        long na = (long) a * 32;
        long nb = (long) b * 32;
        return vector.get(ValueLayout.JAVA_INT, (long) a * Libc.MMSGHDR_BYTES + Libc.MSGHDR_NAMELEN)
                        == vector.get(ValueLayout.JAVA_INT, (long) b * Libc.MMSGHDR_BYTES + Libc.MSGHDR_NAMELEN)
                && names.get(ValueLayout.JAVA_LONG, na) == names.get(ValueLayout.JAVA_LONG, nb)
                && names.get(ValueLayout.JAVA_LONG, na + 8) == names.get(ValueLayout.JAVA_LONG, nb + 8)
                && names.get(ValueLayout.JAVA_LONG, na + 16) == names.get(ValueLayout.JAVA_LONG, nb + 16)
                && names.get(ValueLayout.JAVA_LONG, na + 24) == names.get(ValueLayout.JAVA_LONG, nb + 24);
    }

    /** The segment vector from message {@code m} on. */
    MemorySegment segmentVectorFrom(int m) {
        return segmentVectorFrom[m];
    }

    /** The first slot of message {@code m} of the last {@link #planSegments}. */
    int messageFirst(int m) {
        return messageFirst[m];
    }

    /** How many slots message {@code m} of the last {@link #planSegments} covers. */
    int messageCount(int m) {
        return messageCount[m];
    }

    void markSent(int i, boolean ok) {
        sent[i] = ok;
    }

    /**
     * Sets slot {@code i}'s destination. Encoding happens once per distinct endpoint object (it
     * allocates then, as decoding an {@link InetAddress} does); repeats copy 28 bytes.
     */
    public void destination(int i, InetSocketAddress to) {
        if (to != lastDestination) {
            lastEncodedLength = encode(to, lastEncoded, inet6);
            lastDestination = to;
        }
        MemorySegment.copy(lastEncoded, 0, names, i * 32L, 32);
        vector.set(ValueLayout.JAVA_INT, (long) i * Libc.MMSGHDR_BYTES + Libc.MSGHDR_NAMELEN, lastEncodedLength);
    }

    /** The sender of slot {@code i}, or null for an address family this socket cannot have. */
    public InetSocketAddress source(int i) {
        long base = i * 32L;
        int family = Short.toUnsignedInt(names.get(ValueLayout.JAVA_SHORT, base));
        int port = Short.toUnsignedInt(names.get(NET_SHORT, base + 2));
        long hi;
        long lo;
        if (family == Libc.AF_INET) {
            hi = 0;
            lo = Integer.toUnsignedLong(names.get(NET_INT, base + 4));
        } else if (family == Libc.AF_INET6) {
            hi = names.get(NET_LONG, base + 8);
            lo = names.get(NET_LONG, base + 16);
        } else {
            return null;
        }
        long tag = ((long) family << 16) | port;
        int h = (int) (((hi * 31 + lo) * 31 + tag) * 0x9E3779B97F4A7C15L >>> 58); // 6 bits: ADDRESS_CACHE
        InetSocketAddress cached = cacheAddress[h];
        if (cached != null && cacheTag[h] == tag && cacheHi[h] == hi && cacheLo[h] == lo) {
            return cached;
        }
        InetSocketAddress decoded = decode(family, port, base);
        cacheTag[h] = tag;
        cacheHi[h] = hi;
        cacheLo[h] = lo;
        cacheAddress[h] = decoded;
        return decoded;
    }

    private InetSocketAddress decode(int family, int port, long base) {
        byte[] raw = new byte[family == Libc.AF_INET ? 4 : 16];
        MemorySegment.copy(names, ValueLayout.JAVA_BYTE, base + (family == Libc.AF_INET ? 4 : 8), raw, 0, raw.length);
        try {
            // A v4-mapped IPv6 address decodes to an Inet4Address, as DatagramChannel reports it.
            return new InetSocketAddress(InetAddress.getByAddress(raw), port);
        } catch (UnknownHostException e) {
            throw new AssertionError("raw address of length " + raw.length, e);
        }
    }

    /** Writes {@code to} as a sockaddr_in (or sockaddr_in6 on an IPv6 socket); returns its length. */
    static int encode(InetSocketAddress to, MemorySegment into, boolean inet6) {
        into.fill((byte) 0);
        InetAddress address = to.getAddress();
        if (address == null) {
            throw new IllegalArgumentException("unresolved destination " + to);
        }
        byte[] raw = address.getAddress();
        into.set(NET_SHORT, 2, (short) to.getPort());
        if (!inet6) {
            if (!(address instanceof Inet4Address)) {
                throw new IllegalArgumentException("IPv6 destination " + to + " on an IPv4 socket");
            }
            into.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_INET);
            MemorySegment.copy(raw, 0, into, ValueLayout.JAVA_BYTE, 4, 4);
            return 16;
        }
        into.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_INET6);
        if (raw.length == 4) { // v4-mapped ::ffff:a.b.c.d
            into.set(ValueLayout.JAVA_BYTE, 18, (byte) 0xff);
            into.set(ValueLayout.JAVA_BYTE, 19, (byte) 0xff);
            MemorySegment.copy(raw, 0, into, ValueLayout.JAVA_BYTE, 20, 4);
        } else {
            MemorySegment.copy(raw, 0, into, ValueLayout.JAVA_BYTE, 8, 16);
            if (address instanceof java.net.Inet6Address a6) {
                into.set(ValueLayout.JAVA_INT, 24, a6.getScopeId());
            }
        }
        return Libc.SOCKADDR_BYTES;
    }
}
