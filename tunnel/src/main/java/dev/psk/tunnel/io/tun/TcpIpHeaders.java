package dev.psk.tunnel.io.tun;

import static dev.psk.tunnel.io.tun.InternetChecksum.PROTO_TCP;
import static dev.psk.tunnel.io.tun.InternetChecksum.u16;

import java.nio.ByteBuffer;

/**
 * The IPv4/IPv6 + TCP header facts the offload code ({@link TcpSegmenter}, {@link TcpCoalescer})
 * both need: TCP flag bits, header lengths, and the TCP checksum over the pseudo-header (RFC 9293
 * §3.1, RFC 8200 §8.1). Absolute indices, no allocation.
 */
final class TcpIpHeaders {
    // Specification: TCP flag bits (byte 13 of the TCP header).
    static final int FIN = 0x01, PSH = 0x08, ACK = 0x10, CWR = 0x80;

    private TcpIpHeaders() {}

    /** True if the packet at {@code ip} is IPv6 (version nibble 6). */
    static boolean isV6(ByteBuffer b, int ip) {
        return (b.get(ip) & 0xf0) == 0x60;
    }

    /**
     * The IP header length of the packet {@code b[ip, ip + packetLen)} if it is a TCP packet that
     * can be cut or joined: IPv4 without fragmentation (MF clear, offset 0), or IPv6 with TCP as the
     * next header (no extension headers); its IP length field matching {@code packetLen}; room for
     * a 20-byte TCP header. Otherwise -1.
     */
    static int ipHeaderLength(ByteBuffer b, int ip, int packetLen) {
        if (packetLen < 20) {
            return -1;
        }
        int version = (b.get(ip) & 0xff) >>> 4;
        int ipLen;
        if (version == 4) {
            ipLen = (b.get(ip) & 0x0f) * 4;
            if (ipLen < 20
                    || (b.get(ip + 9) & 0xff) != PROTO_TCP
                    || u16(b, ip + 2) != packetLen
                    || (u16(b, ip + 6) & 0x3fff) != 0) {
                return -1;
            }
        } else if (version == 6) {
            ipLen = 40;
            if (packetLen < 40 || (b.get(ip + 6) & 0xff) != PROTO_TCP || u16(b, ip + 4) != packetLen - 40) {
                return -1;
            }
        } else {
            return -1;
        }
        return packetLen >= ipLen + 20 ? ipLen : -1;
    }

    /** The TCP header length (data offset × 4) of the header at {@code tcp}. */
    static int tcpHeaderLength(ByteBuffer b, int tcp) {
        return ((b.get(tcp + 12) & 0xff) >>> 4) * 4;
    }

    /**
     * The folded (not complemented) one's-complement sum of the pseudo-header and the
     * {@code l4Len} bytes of TCP header and payload after {@code ipHeaderLen}: 0xffff when the
     * checksum field in them is right.
     */
    static int tcpSum(ByteBuffer b, int ip, boolean v6, int ipHeaderLen, int l4Len) {
        long pseudo = InternetChecksum.pseudoHeader(b, ip, v6, PROTO_TCP, l4Len);
        return InternetChecksum.fold(InternetChecksum.add(b, ip + ipHeaderLen, l4Len, pseudo));
    }
}
