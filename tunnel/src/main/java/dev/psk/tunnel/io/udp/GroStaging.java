package dev.psk.tunnel.io.udp;

import dev.psk.tunnel.io.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Receive staging for a socket with {@code UDP_GRO} (Linux 5.0): the kernel may hand over several
 * datagrams of one sender as one buffer, all of the size a {@code (SOL_UDP, UDP_GRO)} control
 * message gives except the last, which may be shorter. {@code recvmmsg(2)} fills {@link #MESSAGES}
 * buffers of {@link #MESSAGE_BYTES} (the largest UDP datagram fits, so nothing is truncated);
 * {@link #drainInto} then copies datagram by datagram into a {@link DatagramBatch}'s slots, so
 * callers still see one datagram per slot. What does not fit stays here for the next call.
 *
 * <p>Allocated once with the socket (about 2 MiB, most of it the buffers); nothing per call. Used by
 * the socket's one receiving thread only.
 */
final class GroStaging {
    /** Buffers per recvmmsg; each may hold a whole coalesced group, so they fill a 64-slot receive batch and more. */
    static final int MESSAGES = 32;
    /** One whole UDP datagram, or one coalesced group (the kernel keeps those below 64 KiB). */
    static final int MESSAGE_BYTES = 65_536;
    /** Room for the UDP_GRO cmsg (CMSG_SPACE(4) = 24) and any other the kernel may add. */
    private static final int CONTROL_BYTES = 64;

    private final MemorySegment data;
    private final MemorySegment names;
    private final MemorySegment iovecs;
    private final MemorySegment controls;
    final MemorySegment vector;
    // The last recvmmsg: per message its length and segment size; drain position (message, offset).
    private final int[] lengths = new int[MESSAGES];
    private final int[] segments = new int[MESSAGES];
    private int received;
    private int message;
    private int offset;
    private long coalesced;

    GroStaging(Arena arena) {
        data = arena.allocate((long) MESSAGES * MESSAGE_BYTES, 64);
        names = arena.allocate((long) MESSAGES * 32, 8);
        iovecs = arena.allocate((long) MESSAGES * Libc.IOVEC_BYTES, 8);
        controls = arena.allocate((long) MESSAGES * CONTROL_BYTES, 8);
        vector = arena.allocate((long) MESSAGES * Libc.MMSGHDR_BYTES, 8);
        for (int i = 0; i < MESSAGES; i++) {
            long msg = (long) i * Libc.MMSGHDR_BYTES;
            long iov = (long) i * Libc.IOVEC_BYTES;
            iovecs.set(ValueLayout.JAVA_LONG, iov, data.address() + (long) i * MESSAGE_BYTES);
            iovecs.set(ValueLayout.JAVA_LONG, iov + 8, MESSAGE_BYTES);
            vector.set(ValueLayout.JAVA_LONG, msg + Libc.MSGHDR_NAME, names.address() + i * 32L);
            vector.set(ValueLayout.JAVA_LONG, msg + Libc.MSGHDR_IOV, iovecs.address() + iov);
            vector.set(ValueLayout.JAVA_LONG, msg + Libc.MSGHDR_IOVLEN, 1L);
            vector.set(ValueLayout.JAVA_LONG, msg + Libc.MSGHDR_CONTROL, controls.address() + (long) i * CONTROL_BYTES);
        }
    }

    /** Whether datagrams of the last receive are still waiting for slots. */
    boolean pending() {
        return message < received;
    }

    /** Resets the in/out fields the kernel overwrites (address and control lengths). */
    void prepareReceive() {
        for (int i = 0; i < MESSAGES; i++) {
            long msg = (long) i * Libc.MMSGHDR_BYTES;
            vector.set(ValueLayout.JAVA_INT, msg + Libc.MSGHDR_NAMELEN, Libc.SOCKADDR_BYTES);
            vector.set(ValueLayout.JAVA_LONG, msg + Libc.MSGHDR_CONTROLLEN, CONTROL_BYTES);
        }
    }

    /** Records what the kernel wrote for messages {@code 0..n-1}: lengths and segment sizes. */
    void completeReceive(int n) {
        for (int i = 0; i < n; i++) {
            long msg = (long) i * Libc.MMSGHDR_BYTES;
            int len = vector.get(ValueLayout.JAVA_INT, msg + Libc.MMSGHDR_LEN);
            int segment = segmentSize(i, vector.get(ValueLayout.JAVA_LONG, msg + Libc.MSGHDR_CONTROLLEN));
            lengths[i] = len;
            segments[i] = segment > 0 && segment < len ? segment : len;
            if (segments[i] < len) {
                coalesced++;
            }
        }
        received = n;
        message = 0;
        offset = 0;
    }

    /** The UDP_GRO segment size in message {@code i}'s control data, or 0 if there is none. */
    private int segmentSize(int i, long controlLength) {
        long base = (long) i * CONTROL_BYTES;
        long end = Math.min(controlLength, CONTROL_BYTES);
        long at = 0;
        while (at + Libc.CMSG_DATA <= end) {
            long len = controls.get(ValueLayout.JAVA_LONG, base + at);
            if (len < Libc.CMSG_DATA || at + len > end) {
                return 0; // malformed or truncated: treat the message as one datagram
            }
            int level = controls.get(ValueLayout.JAVA_INT, base + at + 8);
            int type = controls.get(ValueLayout.JAVA_INT, base + at + 12);
            if (level == Libc.SOL_UDP && type == Libc.UDP_GRO && len >= Libc.CMSG_DATA + 4) {
                return controls.get(ValueLayout.JAVA_INT, base + at + Libc.CMSG_DATA);
            }
            at += (len + 7) & ~7L; // CMSG_ALIGN
        }
        return 0;
    }

    /**
     * Copies the waiting datagrams, in order, into slots {@code 0..} of {@code batch} until it is
     * full or none wait; each slot gets its datagram at offset 0 (cut to the slot, as recvmmsg
     * cuts), its length and its sender.
     *
     * @return how many slots were filled
     */
    int drainInto(DatagramBatch batch) {
        int slot = 0;
        int capacity = batch.capacity();
        while (message < received && slot < capacity) {
            int len = lengths[message];
            int size = segments[message];
            long base = (long) message * MESSAGE_BYTES;
            do {
                int part = Math.min(size, len - offset);
                batch.fill(slot++, data, base + offset, part, names, message * 32L);
                offset += part;
            } while (offset < len && slot < capacity);
            if (offset >= len) {
                message++;
                offset = 0;
            }
        }
        return slot;
    }

    /** How many received buffers held more than one datagram. */
    long coalesced() {
        return coalesced;
    }
}
