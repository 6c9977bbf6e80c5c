package dev.psk.tunnel.io.tun;

import java.nio.ByteBuffer;

/**
 * Builds IPv4/IPv6 TCP packets for the offload tests, with checksums from {@link #referenceSum}, a
 * deliberately naive 16-bit one's-complement loop independent of {@link InternetChecksum}.
 */
final class TcpPackets {
    static final int ACK = 0x10, PSH = 0x08, FIN = 0x01, SYN = 0x02, CWR = 0x80;

    /** A TCP packet description; {@link #build} makes the bytes. */
    record Spec(
            boolean v6,
            int sport,
            int dport,
            int seq,
            int ack,
            int flags,
            int window,
            byte[] options,
            byte[] payload,
            int ipId,
            int ttl,
            int tos) {
        Spec withSeq(int s) {
            return new Spec(v6, sport, dport, s, ack, flags, window, options, payload, ipId, ttl, tos);
        }

        Spec withPayload(byte[] p) {
            return new Spec(v6, sport, dport, seq, ack, flags, window, options, p, ipId, ttl, tos);
        }

        Spec withFlags(int f) {
            return new Spec(v6, sport, dport, seq, ack, f, window, options, payload, ipId, ttl, tos);
        }

        Spec withId(int id) {
            return new Spec(v6, sport, dport, seq, ack, flags, window, options, payload, id, ttl, tos);
        }
    }

    private TcpPackets() {}

    /** A data segment of flow 10.0.0.1:40000 → 10.0.0.2:5201 (or fd00::1 → fd00::2) with timestamps. */
    static Spec data(boolean v6, int seq, byte[] payload) {
        byte[] ts = {1, 1, 8, 10, 0, 0, 0, 42, 0, 0, 0, 7}; // NOP NOP TS(42, 7)
        return new Spec(v6, 40000, 5201, seq, 777, ACK, 512, ts, payload, 100, 64, 0);
    }

    static byte[] payload(int length, int seed) {
        byte[] p = new byte[length];
        for (int i = 0; i < length; i++) {
            p[i] = (byte) (i * 31 + seed * 7 + (i >>> 8));
        }
        return p;
    }

    static byte[] build(Spec s) {
        int ipLen = s.v6() ? 40 : 20;
        int tcpLen = 20 + s.options().length;
        int total = ipLen + tcpLen + s.payload().length;
        ByteBuffer b = ByteBuffer.allocate(total);
        if (s.v6()) {
            b.putInt(0x60000000 | (s.tos() << 20))
                    .putShort((short) (total - 40))
                    .put((byte) 6)
                    .put((byte) s.ttl());
            b.put(new byte[] {(byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
            b.put(new byte[] {(byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2});
        } else {
            b.put((byte) 0x45)
                    .put((byte) s.tos())
                    .putShort((short) total)
                    .putShort((short) s.ipId())
                    .putShort((short) 0x4000)
                    .put((byte) s.ttl())
                    .put((byte) 6)
                    .putShort((short) 0)
                    .put(new byte[] {10, 0, 0, 1})
                    .put(new byte[] {10, 0, 0, 2});
        }
        b.putShort((short) s.sport())
                .putShort((short) s.dport())
                .putInt(s.seq())
                .putInt(s.ack())
                .put((byte) ((tcpLen / 4) << 4))
                .put((byte) s.flags())
                .putShort((short) s.window())
                .putShort((short) 0)
                .putShort((short) 0)
                .put(s.options())
                .put(s.payload());
        byte[] a = b.array();
        fillChecksums(a, s.v6());
        return a;
    }

    /** Sets the IPv4 header checksum (if v4) and the TCP checksum of a whole packet. */
    static void fillChecksums(byte[] a, boolean v6) {
        int ipLen = v6 ? 40 : 20;
        if (!v6) {
            a[10] = 0;
            a[11] = 0;
            int c = ~referenceSum(a, 0, 20, 0) & 0xffff;
            a[10] = (byte) (c >>> 8);
            a[11] = (byte) c;
        }
        a[ipLen + 16] = 0;
        a[ipLen + 17] = 0;
        int c = ~referenceSum(a, ipLen, a.length - ipLen, pseudo(a, v6, a.length - ipLen)) & 0xffff;
        a[ipLen + 16] = (byte) (c >>> 8);
        a[ipLen + 17] = (byte) c;
    }

    /** True if the packet's TCP checksum (and IPv4 header checksum) verify, by the naive loop. */
    static boolean checksumsValid(byte[] a) {
        boolean v6 = (a[0] & 0xf0) == 0x60;
        int ipLen = v6 ? 40 : (a[0] & 0x0f) * 4;
        if (!v6 && referenceSum(a, 0, ipLen, 0) != 0xffff) {
            return false;
        }
        return referenceSum(a, ipLen, a.length - ipLen, pseudo(a, v6, a.length - ipLen)) == 0xffff;
    }

    private static int pseudo(byte[] a, boolean v6, int l4Len) {
        int sum = v6 ? referenceSum(a, 8, 32, 0) : referenceSum(a, 12, 8, 0);
        return fold(sum + 6 + l4Len);
    }

    /** One's-complement sum of 16-bit big-endian words, folded (not complemented). */
    static int referenceSum(byte[] a, int off, int len, int initial) {
        long sum = initial;
        for (int i = 0; i < len; i += 2) {
            int hi = a[off + i] & 0xff;
            int lo = i + 1 < len ? a[off + i + 1] & 0xff : 0;
            sum += (hi << 8) | lo;
        }
        return fold(sum);
    }

    private static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    static int u16(byte[] a, int i) {
        return ((a[i] & 0xff) << 8) | (a[i + 1] & 0xff);
    }

    static int s32(byte[] a, int i) {
        return ((a[i] & 0xff) << 24) | ((a[i + 1] & 0xff) << 16) | ((a[i + 2] & 0xff) << 8) | (a[i + 3] & 0xff);
    }
}
