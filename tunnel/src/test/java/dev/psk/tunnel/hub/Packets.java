package dev.psk.tunnel.hub;

import java.net.InetAddress;

/** Minimal IP packets for tests (headers the hub reads: version, length, addresses). */
final class Packets {
    private Packets() {}

    static byte[] ipv4(String src, String dst, int payloadBytes) {
        try {
            byte[] p = new byte[20 + payloadBytes];
            p[0] = 0x45;
            p[2] = (byte) (p.length >>> 8);
            p[3] = (byte) p.length;
            p[8] = 64;
            p[9] = 17;
            System.arraycopy(InetAddress.getByName(src).getAddress(), 0, p, 12, 4);
            System.arraycopy(InetAddress.getByName(dst).getAddress(), 0, p, 16, 4);
            for (int i = 20; i < p.length; i++) {
                p[i] = (byte) i;
            }
            return p;
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static byte[] ipv6(String src, String dst, int payloadBytes) {
        try {
            byte[] p = new byte[40 + payloadBytes];
            p[0] = 0x60;
            p[4] = (byte) (payloadBytes >>> 8);
            p[5] = (byte) payloadBytes;
            p[6] = 17;
            p[7] = 64;
            System.arraycopy(InetAddress.getByName(src).getAddress(), 0, p, 8, 16);
            System.arraycopy(InetAddress.getByName(dst).getAddress(), 0, p, 24, 16);
            return p;
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
