package dev.psk.tunnel.io.tun;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The 10-byte {@code struct virtio_net_hdr} (linux/virtio_net.h) that prefixes every packet on a TUN
 * descriptor opened with {@code IFF_VNET_HDR}, and the TUN ioctl values that enable offloads.
 *
 * <pre>
 *   u8  flags        VIRTIO_NET_HDR_F_NEEDS_CSUM: the checksum at csum_start + csum_offset holds
 *                    only the pseudo-header sum; the rest is to be added over [csum_start, end)
 *   u8  gso_type     NONE, TCPV4, TCPV6 (| ECN): the packet is a TCP "super-packet" to be cut into
 *                    gso_size-byte payloads
 *   u16 hdr_len      length of the IP + TCP headers (advisory: this code recomputes it)
 *   u16 gso_size     payload bytes per segment
 *   u16 csum_start   offset of the transport header
 *   u16 csum_offset  offset of the checksum field within it (16 for TCP, 6 for UDP)
 * </pre>
 *
 * The u16 fields are in the host's byte order for a legacy (non-TUNSETVNETLE) TUN device.
 */
public final class VirtioNetHeader {
    // Specification (linux/virtio_net.h, linux/if_tun.h).
    public static final int BYTES = 10;
    public static final int F_NEEDS_CSUM = 1;
    public static final int GSO_NONE = 0;
    public static final int GSO_TCPV4 = 1;
    public static final int GSO_TCPV6 = 4;
    public static final int GSO_ECN = 0x80;
    /** ioctl TUNSETOFFLOAD = _IOW('T', 208, unsigned int). */
    static final long TUNSETOFFLOAD = 0x400454d0L;

    static final int TUN_F_CSUM = 0x01;
    static final int TUN_F_TSO4 = 0x02;
    static final int TUN_F_TSO6 = 0x04;
    static final int TUN_F_TSO_ECN = 0x08;
    static final short IFF_VNET_HDR = 0x4000;

    private static final int FLAGS = 0, GSO_TYPE = 1, HDR_LEN = 2, GSO_SIZE = 4, CSUM_START = 6, CSUM_OFFSET = 8;
    private static final VarHandle U16 = MethodHandles.byteBufferViewVarHandle(short[].class, ByteOrder.nativeOrder());

    private VirtioNetHeader() {}

    public static int flags(ByteBuffer b, int at) {
        return b.get(at + FLAGS) & 0xff;
    }

    public static int gsoType(ByteBuffer b, int at) {
        return b.get(at + GSO_TYPE) & 0xff;
    }

    public static int gsoSize(ByteBuffer b, int at) {
        return (short) U16.get(b, at + GSO_SIZE) & 0xffff;
    }

    public static int csumStart(ByteBuffer b, int at) {
        return (short) U16.get(b, at + CSUM_START) & 0xffff;
    }

    public static int csumOffset(ByteBuffer b, int at) {
        return (short) U16.get(b, at + CSUM_OFFSET) & 0xffff;
    }

    /** Writes a header for a packet that is complete as it is (no checksum to finish, no GSO). */
    public static void putPlain(ByteBuffer b, int at) {
        b.putLong(at, 0L);
        b.putShort(at + 8, (short) 0);
    }

    /** Writes a TCP GSO header: checksum partial from {@code ipHeaderLen}, segments of {@code gsoSize}. */
    public static void putTcpGso(ByteBuffer b, int at, boolean v6, int headersLen, int gsoSize, int ipHeaderLen) {
        b.put(at + FLAGS, (byte) F_NEEDS_CSUM);
        b.put(at + GSO_TYPE, (byte) (v6 ? GSO_TCPV6 : GSO_TCPV4));
        U16.set(b, at + HDR_LEN, (short) headersLen);
        U16.set(b, at + GSO_SIZE, (short) gsoSize);
        U16.set(b, at + CSUM_START, (short) ipHeaderLen);
        U16.set(b, at + CSUM_OFFSET, (short) 16);
    }

    /** For tests: writes any header. */
    static void put(
            ByteBuffer b, int at, int flags, int gsoType, int hdrLen, int gsoSize, int csumStart, int csumOffset) {
        b.put(at + FLAGS, (byte) flags);
        b.put(at + GSO_TYPE, (byte) gsoType);
        U16.set(b, at + HDR_LEN, (short) hdrLen);
        U16.set(b, at + GSO_SIZE, (short) gsoSize);
        U16.set(b, at + CSUM_START, (short) csumStart);
        U16.set(b, at + CSUM_OFFSET, (short) csumOffset);
    }
}
