package dev.psk.tunnel.io.tun;

import java.nio.ByteBuffer;

/** Just enough IPv4/ICMP to build echo requests and answer them in tests. */
final class Icmp {
    private Icmp() {}

    static int ipv4(String dotted) {
        String[] p = dotted.split("\\.");
        return (Integer.parseInt(p[0]) << 24)
                | (Integer.parseInt(p[1]) << 16)
                | (Integer.parseInt(p[2]) << 8)
                | Integer.parseInt(p[3]);
    }

    /** Writes an IPv4 ICMP echo request with {@code payload} bytes at the buffer's start; returns its length. */
    static int writeEchoRequest(ByteBuffer b, String src, String dst, int payload) {
        int len = 20 + 8 + payload;
        b.clear();
        b.put(0, (byte) 0x45)
                .put(1, (byte) 0)
                .putShort(2, (short) len)
                .putInt(4, 0x00004000)
                .put(8, (byte) 64)
                .put(9, (byte) 1)
                .putShort(10, (short) 0)
                .putInt(12, ipv4(src))
                .putInt(16, ipv4(dst));
        b.putShort(10, (short) checksum(b, 0, 20));
        b.put(20, (byte) 8).put(21, (byte) 0).putShort(22, (short) 0).putInt(24, 0x12340001);
        for (int i = 0; i < payload; i++) {
            b.put(28 + i, (byte) i);
        }
        b.putShort(22, (short) checksum(b, 20, len - 20));
        b.position(len);
        return len;
    }

    static boolean isEchoRequest(ByteBuffer b, String dst) {
        return b.remaining() >= 28
                && (b.get(0) & 0xf0) == 0x40
                && b.get(9) == 1
                && b.getInt(16) == ipv4(dst)
                && b.get((b.get(0) & 0x0f) * 4) == 8;
    }

    /** Swaps the addresses and makes it an echo reply (the IPv4 checksum is unchanged by the swap). */
    static void turnIntoReply(ByteBuffer b) {
        int ihl = (b.get(0) & 0x0f) * 4;
        int src = b.getInt(12);
        b.putInt(12, b.getInt(16)).putInt(16, src);
        b.put(ihl, (byte) 0).putShort(ihl + 2, (short) 0);
        b.putShort(ihl + 2, (short) checksum(b, ihl, b.limit() - ihl));
    }

    /** RFC 1071 Internet checksum over {@code len} bytes from {@code off}. */
    static int checksum(ByteBuffer b, int off, int len) {
        long sum = 0;
        for (int i = 0; i + 1 < len; i += 2) {
            sum += b.getShort(off + i) & 0xffff;
        }
        if ((len & 1) != 0) {
            sum += (b.get(off + len - 1) & 0xff) << 8;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }
}
