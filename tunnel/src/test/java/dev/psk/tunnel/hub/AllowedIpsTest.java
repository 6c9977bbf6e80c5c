package dev.psk.tunnel.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Longest-prefix match for IPv4 and IPv6, against a naive model on random tables (as wireguard-go tests it). */
class AllowedIpsTest {
    @Test
    void longestPrefixWins() {
        AllowedIps<String> t = new AllowedIps<>();
        t.insert(Cidr.parse("10.0.0.0/8"), "wide");
        t.insert(Cidr.parse("10.77.0.0/24"), "hub");
        t.insert(Cidr.parse("10.77.0.2/32"), "alice");
        t.insert(Cidr.parse("fd77::/64"), "v6net");
        t.insert(Cidr.parse("fd77::2/128"), "alice6");
        assertThat(t.lookup(addr("10.77.0.2"))).isEqualTo("alice");
        assertThat(t.lookup(addr("10.77.0.3"))).isEqualTo("hub");
        assertThat(t.lookup(addr("10.1.2.3"))).isEqualTo("wide");
        assertThat(t.lookup(addr("11.0.0.1"))).isNull();
        assertThat(t.lookup(addr("fd77::2"))).isEqualTo("alice6");
        assertThat(t.lookup(addr("fd77::3"))).isEqualTo("v6net");
        assertThat(t.lookup(addr("fd78::3"))).isNull();
        // IPv4 prefixes never match IPv6 addresses, even IPv4-mapped ones.
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(addr("10.77.0.2"), 0, mapped, 12, 4);
        assertThat(t.lookup(mapped)).isNull();
        assertThat(t.size()).isEqualTo(5);
    }

    @Test
    void defaultRoutesAndReplacement() {
        AllowedIps<String> t = new AllowedIps<>();
        t.insert(Cidr.parse("0.0.0.0/0"), "all4");
        t.insert(Cidr.parse("::/0"), "all6");
        assertThat(t.lookup(addr("1.2.3.4"))).isEqualTo("all4");
        assertThat(t.lookup(addr("2001:db8::1"))).isEqualTo("all6");
        t.insert(Cidr.parse("0.0.0.0/0"), "other");
        assertThat(t.lookup(addr("1.2.3.4"))).isEqualTo("other");
        assertThat(t.size()).isEqualTo(2);
    }

    @Test
    void packetOffsetsAndLengths() {
        byte[] v4 = Packets.ipv4("10.77.0.2", "10.77.0.3", 30);
        ByteBuffer b = ByteBuffer.wrap(v4);
        assertThat(AllowedIps.ipLength(b, 0, v4.length)).isEqualTo(50);
        assertThat(AllowedIps.sourceOffset(b, 0, v4.length)).isEqualTo(12);
        assertThat(AllowedIps.destinationOffset(b, 0, v4.length)).isEqualTo(16);
        byte[] v6 = Packets.ipv6("fd77::2", "fd77::3", 8);
        ByteBuffer b6 = ByteBuffer.wrap(v6);
        assertThat(AllowedIps.ipLength(b6, 0, v6.length)).isEqualTo(48);
        assertThat(AllowedIps.destinationOffset(b6, 0, v6.length)).isEqualTo(24);
        // Malformed: truncated, bad version, length field beyond the data (padding is allowed after it).
        assertThat(AllowedIps.ipLength(ByteBuffer.wrap(new byte[19]), 0, 19)).isEqualTo(-1);
        byte[] bad = v4.clone();
        bad[0] = 0x55;
        assertThat(AllowedIps.ipLength(ByteBuffer.wrap(bad), 0, bad.length)).isEqualTo(-1);
        assertThat(AllowedIps.ipLength(b, 0, 40)).isEqualTo(-1);
        byte[] padded = java.util.Arrays.copyOf(v4, 64);
        assertThat(AllowedIps.ipLength(ByteBuffer.wrap(padded), 0, 64)).isEqualTo(50);
    }

    @Test
    void randomTablesAgreeWithANaiveModel() {
        Random r = new Random(42);
        for (int round = 0; round < 20; round++) {
            int bytes = round % 2 == 0 ? 4 : 16;
            AllowedIps<Integer> t = new AllowedIps<>();
            java.util.Map<Cidr, Integer> model = new java.util.LinkedHashMap<>();
            for (int i = 0; i < 200; i++) {
                Cidr c = new Cidr(random(r, bytes), r.nextInt(bytes * 8 + 1)).network();
                t.insert(c, i);
                model.put(c, i);
            }
            for (int q = 0; q < 2000; q++) {
                byte[] a = random(r, bytes);
                Cidr host = new Cidr(a, bytes * 8);
                Integer expected = null;
                int best = -1;
                for (var e : model.entrySet()) {
                    if (e.getKey().overlaps(host) && e.getKey().prefixLength() > best) {
                        best = e.getKey().prefixLength();
                        expected = e.getValue();
                    }
                }
                assertThat(t.lookup(a)).isEqualTo(expected);
            }
        }
    }

    private static byte[] random(Random r, int bytes) {
        byte[] a = new byte[bytes];
        r.nextBytes(a);
        a[0] = (byte) (a[0] & 0x0f);
        return a;
    }

    static byte[] addr(String s) {
        try {
            return java.net.InetAddress.getByName(s).getAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
