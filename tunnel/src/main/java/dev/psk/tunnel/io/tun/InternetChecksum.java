package dev.psk.tunnel.io.tun;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071) and network-byte-order field access, for the TUN offload code
 * that splits and joins TCP packets in user space.
 *
 * <p>The one's-complement sum is accumulated 32 bits at a time in a {@code long} and folded at the
 * end: 2^16 ≡ 1 modulo 2^16 − 1, so summing 32-bit big-endian words and folding gives the same
 * 16-bit sum as adding 16-bit words (RFC 1071 §2). A region passed to {@link #add} must start at
 * an even distance from the start of the checksummed data; only the last region may have odd
 * length. Every accessor reads big-endian whatever the buffer's own byte order, by absolute index,
 * and allocates nothing.
 */
public final class InternetChecksum {
    private static final VarHandle U64 = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle U32 = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle U16 = MethodHandles.byteBufferViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);

    /** IP protocol numbers (IANA). */
    public static final int PROTO_TCP = 6;

    public static final int PROTO_UDP = 17;

    private InternetChecksum() {}

    /** Adds {@code len} bytes of {@code b} from absolute index {@code off} to the running sum {@code acc}. */
    public static long add(ByteBuffer b, int off, int len, long acc) {
        int i = off;
        int end = off + len;
        while (end - i >= 8) {
            long v = (long) U64.get(b, i);
            acc += (v >>> 32) + (v & 0xffff_ffffL);
            i += 8;
        }
        if (end - i >= 4) {
            acc += u32(b, i);
            i += 4;
        }
        if (end - i >= 2) {
            acc += u16(b, i);
            i += 2;
        }
        if (i < end) {
            acc += (b.get(i) & 0xffL) << 8; // odd last byte: padded with a zero byte (RFC 1071)
        }
        return acc;
    }

    /** Folds a running sum to 16 bits (not complemented). */
    public static int fold(long acc) {
        while ((acc >>> 16) != 0) {
            acc = (acc & 0xffff) + (acc >>> 16);
        }
        return (int) acc;
    }

    /** The finished checksum of {@code len} bytes: the complement of their folded sum. */
    public static int of(ByteBuffer b, int off, int len) {
        return ~fold(add(b, off, len, 0)) & 0xffff;
    }

    /**
     * The sum of the TCP/UDP pseudo-header (RFC 793 §3.1, RFC 8200 §8.1) of the IP packet at
     * {@code ip}: source and destination address, protocol and the transport length {@code l4Len}.
     */
    public static long pseudoHeader(ByteBuffer b, int ip, boolean v6, int protocol, int l4Len) {
        long acc = v6 ? add(b, ip + 8, 32, 0) : add(b, ip + 12, 8, 0);
        return acc + protocol + l4Len;
    }

    public static int u16(ByteBuffer b, int i) {
        return (short) U16.get(b, i) & 0xffff;
    }

    public static long u32(ByteBuffer b, int i) {
        return (int) U32.get(b, i) & 0xffff_ffffL;
    }

    public static int s32(ByteBuffer b, int i) {
        return (int) U32.get(b, i);
    }

    public static long s64(ByteBuffer b, int i) {
        return (long) U64.get(b, i);
    }

    public static void put16(ByteBuffer b, int i, int v) {
        U16.set(b, i, (short) v);
    }

    public static void put32(ByteBuffer b, int i, int v) {
        U32.set(b, i, v);
    }

    /** Recomputes the IPv4 header checksum of the header at {@code ip} of {@code headerLen} bytes. */
    public static void fillIpv4Header(ByteBuffer b, int ip, int headerLen) {
        put16(b, ip + 10, 0);
        put16(b, ip + 10, of(b, ip, headerLen));
    }
}
