package dev.psk.tunnel.hub;

import java.nio.ByteBuffer;

/**
 * Longest-prefix-match table from IPv4 and IPv6 prefixes to a value (a client), as WireGuard's
 * allowedips: a packet's inner source must map to the client it came from (ingress), and a
 * packet's destination picks the client it goes to (egress). A binary trie per family; lookups
 * walk at most 32 or 128 nodes and allocate nothing.
 *
 * <p>Thread-safety: build it, then publish it (the hub swaps whole tables on reload); lookups on a
 * published table are safe from any thread.
 */
public final class AllowedIps<V> {
    private static final class Node<V> {
        @SuppressWarnings({"unchecked", "rawtypes"})
        final Node<V>[] child = new Node[2];

        V value;
    }

    private final Node<V> v4 = new Node<>();
    private final Node<V> v6 = new Node<>();
    private int size;

    /** Maps {@code prefix} to {@code value}, replacing an equal prefix's value. */
    public void insert(Cidr prefix, V value) {
        byte[] a = prefix.address();
        Node<V> n = a.length == 4 ? v4 : v6;
        for (int bit = 0; bit < prefix.prefixLength(); bit++) {
            int b = (a[bit >>> 3] >>> (7 - (bit & 7))) & 1;
            if (n.child[b] == null) {
                n.child[b] = new Node<>();
            }
            n = n.child[b];
        }
        if (n.value == null) {
            size++;
        }
        n.value = value;
    }

    public int size() {
        return size;
    }

    /** The value of the longest prefix holding {@code address} (4 or 16 bytes), or null. */
    public V lookup(byte[] address) {
        return lookup(ByteBuffer.wrap(address), 0, address.length == 4);
    }

    /**
     * The value of the longest prefix holding the address at absolute {@code offset} of
     * {@code buf} (4 bytes when {@code ipv4}, else 16), or null. No allocation.
     */
    public V lookup(ByteBuffer buf, int offset, boolean ipv4) {
        Node<V> n = ipv4 ? v4 : v6;
        int bits = ipv4 ? 32 : 128;
        V best = n.value;
        for (int bit = 0; bit < bits; bit++) {
            int b = (buf.get(offset + (bit >>> 3)) >>> (7 - (bit & 7))) & 1;
            n = n.child[b];
            if (n == null) {
                break;
            }
            if (n.value != null) {
                best = n.value;
            }
        }
        return best;
    }

    /** Offsets into an IP packet: source and destination, by version; -1 when malformed. */
    public static int sourceOffset(ByteBuffer pkt, int start, int length) {
        int version = length > 0 ? (pkt.get(start) & 0xff) >>> 4 : 0;
        if (version == 4 && length >= 20) {
            return start + 12;
        }
        if (version == 6 && length >= 40) {
            return start + 8;
        }
        return -1;
    }

    public static int destinationOffset(ByteBuffer pkt, int start, int length) {
        int src = sourceOffset(pkt, start, length);
        if (src < 0) {
            return -1;
        }
        return src + (isIpv4(pkt, start) ? 4 : 16);
    }

    public static boolean isIpv4(ByteBuffer pkt, int start) {
        return (pkt.get(start) & 0xff) >>> 4 == 4;
    }

    /** The IP packet's own length (IPv4 total length, IPv6 payload length + 40), or -1. */
    public static int ipLength(ByteBuffer pkt, int start, int available) {
        if (sourceOffset(pkt, start, available) < 0) {
            return -1;
        }
        int n = isIpv4(pkt, start)
                ? (pkt.get(start + 2) & 0xff) << 8 | (pkt.get(start + 3) & 0xff)
                : 40 + ((pkt.get(start + 4) & 0xff) << 8 | (pkt.get(start + 5) & 0xff));
        return n <= available && n >= (isIpv4(pkt, start) ? 20 : 40) ? n : -1;
    }
}
