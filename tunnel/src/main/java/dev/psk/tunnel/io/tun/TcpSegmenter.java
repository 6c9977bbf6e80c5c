package dev.psk.tunnel.io.tun;

import static dev.psk.tunnel.io.tun.InternetChecksum.PROTO_UDP;
import static dev.psk.tunnel.io.tun.InternetChecksum.put16;
import static dev.psk.tunnel.io.tun.InternetChecksum.put32;
import static dev.psk.tunnel.io.tun.InternetChecksum.u16;
import static dev.psk.tunnel.io.tun.TcpIpHeaders.CWR;
import static dev.psk.tunnel.io.tun.TcpIpHeaders.FIN;
import static dev.psk.tunnel.io.tun.TcpIpHeaders.PSH;

import java.nio.ByteBuffer;

/**
 * Segmentation offload in user space: turns one frame read from a TUN device with offloads on
 * ({@link VirtioNetHeader} + packet) into the ordinary, complete IP packets a peer expects, one per
 * {@link #next} call.
 *
 * <ul>
 *   <li>A frame without GSO is one packet; if the kernel left its TCP/UDP checksum partial
 *       ({@code NEEDS_CSUM}), the checksum is finished in place first.
 *   <li>A TCP GSO frame (up to 64 KiB) is cut into payloads of {@code gso_size}: each segment gets
 *       the headers with its own IPv4 total length, identification (+1 per segment) and header
 *       checksum or IPv6 payload length, TCP sequence number, flags (FIN and PSH only on the last,
 *       CWR only on the first, as the kernel's own TSO does) and a complete TCP checksum.
 * </ul>
 *
 * A malformed frame (lengths that disagree, unknown GSO type, IPv4 options... anything the kernel
 * would not produce) yields no packet: {@link #load} returns 0 and the caller counts a drop. The
 * frame buffer is only read and patched in place; nothing is allocated.
 *
 * <p>Not thread-safe: owned by the TUN reader.
 */
final class TcpSegmenter {
    private ByteBuffer frame;
    private int ip;
    private boolean v6;
    private int ipHeaderLen;
    private int headersLen;
    private int payloadAt;
    private int payloadLen;
    private int mss;
    private int count;
    private int index;

    /** Packets still to come from the loaded frame. */
    int remaining() {
        return count - index;
    }

    /**
     * Loads the frame in {@code b[at, at + len)} (virtio header first).
     *
     * @return how many packets it yields (0 when malformed: nothing to send)
     */
    int load(ByteBuffer b, int at, int len) {
        count = 0;
        index = 0;
        if (len < VirtioNetHeader.BYTES + 20) {
            return 0;
        }
        frame = b;
        ip = at + VirtioNetHeader.BYTES;
        int packetLen = len - VirtioNetHeader.BYTES;
        int gso = VirtioNetHeader.gsoType(b, at) & ~VirtioNetHeader.GSO_ECN;
        if (gso == VirtioNetHeader.GSO_NONE) {
            if ((VirtioNetHeader.flags(b, at) & VirtioNetHeader.F_NEEDS_CSUM) != 0
                    && !finishChecksum(
                            b, ip, packetLen, VirtioNetHeader.csumStart(b, at), VirtioNetHeader.csumOffset(b, at))) {
                return 0;
            }
            payloadAt = ip;
            payloadLen = packetLen;
            mss = packetLen;
            headersLen = 0;
            count = 1;
            return 1;
        }
        if (gso != VirtioNetHeader.GSO_TCPV4 && gso != VirtioNetHeader.GSO_TCPV6) {
            return 0;
        }
        v6 = gso == VirtioNetHeader.GSO_TCPV6;
        ipHeaderLen = TcpIpHeaders.ipHeaderLength(b, ip, packetLen);
        if (ipHeaderLen < 0 || TcpIpHeaders.isV6(b, ip) != v6) {
            return 0;
        }
        int tcpHeaderLen = TcpIpHeaders.tcpHeaderLength(b, ip + ipHeaderLen);
        headersLen = ipHeaderLen + tcpHeaderLen;
        mss = VirtioNetHeader.gsoSize(b, at);
        if (tcpHeaderLen < 20 || headersLen >= packetLen || mss == 0) {
            return 0;
        }
        payloadAt = ip + headersLen;
        payloadLen = packetLen - headersLen;
        count = (payloadLen + mss - 1) / mss;
        return count;
    }

    /** Size of the largest packet the loaded frame yields. */
    int largestPacket() {
        return headersLen + Math.min(mss, payloadLen);
    }

    /**
     * Writes the next packet at {@code dst}'s position and advances it.
     *
     * @return the packet length, or 0 when the frame is used up
     */
    int next(ByteBuffer dst) {
        if (index >= count) {
            return 0;
        }
        int i = index++;
        int p = dst.position();
        if (headersLen == 0) {
            dst.put(p, frame, payloadAt, payloadLen);
            dst.position(p + payloadLen);
            return payloadLen;
        }
        int segLen = Math.min(mss, payloadLen - i * mss);
        int total = headersLen + segLen;
        dst.put(p, frame, ip, headersLen);
        dst.put(p + headersLen, frame, payloadAt + i * mss, segLen);
        if (v6) {
            put16(dst, p + 4, total - 40);
        } else {
            put16(dst, p + 2, total);
            put16(dst, p + 4, u16(frame, ip + 4) + i);
            InternetChecksum.fillIpv4Header(dst, p, ipHeaderLen);
        }
        int tcp = p + ipHeaderLen;
        put32(dst, tcp + 4, InternetChecksum.s32(frame, ip + ipHeaderLen + 4) + i * mss);
        int flags = frame.get(ip + ipHeaderLen + 13) & 0xff;
        if (i != count - 1) {
            flags &= ~(FIN | PSH);
        }
        if (i != 0) {
            flags &= ~CWR;
        }
        dst.put(tcp + 13, (byte) flags);
        put16(dst, tcp + 16, 0);
        put16(dst, tcp + 16, ~TcpIpHeaders.tcpSum(dst, p, v6, ipHeaderLen, total - ipHeaderLen) & 0xffff);
        dst.position(p + total);
        return total;
    }

    /**
     * Finishes a partial checksum (virtio NEEDS_CSUM): the field already holds the pseudo-header
     * sum, so the checksum is the complement of the sum over {@code [start, end)}. UDP's zero
     * becomes 0xffff (RFC 768: zero means "no checksum").
     *
     * @return false when start/offset do not lie inside the packet
     */
    static boolean finishChecksum(ByteBuffer b, int ip, int packetLen, int start, int offset) {
        if (start < 20 || start + offset + 2 > packetLen) {
            return false;
        }
        int field = ip + start + offset;
        int c = ~InternetChecksum.fold(InternetChecksum.add(b, ip + start, packetLen - start, 0)) & 0xffff;
        if (c == 0 && offset == 6 && isUdp(b, ip)) {
            c = 0xffff;
        }
        put16(b, field, c);
        return true;
    }

    private static boolean isUdp(ByteBuffer b, int ip) {
        int version = (b.get(ip) & 0xff) >>> 4;
        return version == 4 ? (b.get(ip + 9) & 0xff) == PROTO_UDP : version == 6 && (b.get(ip + 6) & 0xff) == PROTO_UDP;
    }
}
