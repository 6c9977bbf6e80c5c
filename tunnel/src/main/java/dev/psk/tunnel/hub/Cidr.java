package dev.psk.tunnel.hub;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 prefix ("10.0.1.0/24", "fd00::/64"). Parsing is strict: a literal address (no
 * host names, no zone), a prefix length in range, and no host bits set beyond the prefix, so a
 * typo such as "10.0.1.4/24" is refused instead of silently widened.
 */
public record Cidr(byte[] address, int prefixLength) {

    public Cidr {
        address = address.clone();
    }

    @Override
    public byte[] address() {
        return address.clone();
    }

    public boolean isIpv4() {
        return address.length == 4;
    }

    /** A prefix with no host bits set. @throws IllegalArgumentException saying what was expected */
    public static Cidr parse(String text) {
        return parse(text, false);
    }

    /** An interface address such as "10.77.0.1/24": host bits are the address itself. */
    public static Cidr parseInterface(String text) {
        return parse(text, true);
    }

    private static Cidr parse(String text, boolean hostBitsAllowed) {
        if (text == null) {
            throw new IllegalArgumentException("expected a CIDR such as 10.0.1.4/32, got nothing");
        }
        String s = text.strip();
        int slash = s.indexOf('/');
        if (slash <= 0 || slash == s.length() - 1) {
            throw new IllegalArgumentException("expected ADDRESS/PREFIX such as 10.0.1.4/32, got '" + text + "'");
        }
        String addr = s.substring(0, slash);
        String len = s.substring(slash + 1);
        if (!len.chars().allMatch(c -> c >= '0' && c <= '9') || len.length() > 3) {
            throw new IllegalArgumentException("prefix length of '" + text + "' is not a number");
        }
        byte[] bytes = literal(addr, text);
        int prefix = Integer.parseInt(len);
        int max = bytes.length * 8;
        if (prefix > max) {
            throw new IllegalArgumentException("prefix length of '" + text + "' exceeds " + max);
        }
        for (int bit = prefix; bit < max && !hostBitsAllowed; bit++) {
            if ((bytes[bit >>> 3] & (0x80 >>> (bit & 7))) != 0) {
                throw new IllegalArgumentException("'" + text + "' has host bits set beyond /" + prefix);
            }
        }
        return new Cidr(bytes, prefix);
    }

    private static byte[] literal(String addr, String text) {
        boolean v4 = addr.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
        boolean v6 = addr.indexOf(':') >= 0
                && addr.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0);
        if (v4) {
            String[] parts = addr.split("\\.", -1);
            if (parts.length != 4) {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 literal of four parts");
            }
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (parts[i].isEmpty()
                        || parts[i].length() > 3
                        || (parts[i].length() > 1 && parts[i].charAt(0) == '0')) {
                    throw new IllegalArgumentException("'" + text + "' has a malformed IPv4 part '" + parts[i] + "'");
                }
                int v = Integer.parseInt(parts[i]);
                if (v > 255) {
                    throw new IllegalArgumentException("'" + text + "' has an IPv4 part above 255");
                }
                b[i] = (byte) v;
            }
            return b;
        }
        if (v6) {
            try {
                byte[] b = InetAddress.getByName(addr).getAddress();
                if (b.length == 16) {
                    return b;
                }
            } catch (UnknownHostException | SecurityException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 literal");
    }

    /** This prefix with host bits cleared ("10.77.0.1/24" gives 10.77.0.0/24). */
    public Cidr network() {
        byte[] a = address.clone();
        for (int bit = prefixLength; bit < a.length * 8; bit++) {
            a[bit >>> 3] &= (byte) ~(0x80 >>> (bit & 7));
        }
        return new Cidr(a, prefixLength);
    }

    /** The address alone as a host prefix (/32 or /128). */
    public Cidr host() {
        return new Cidr(address, address.length * 8);
    }

    /** True when the two prefixes share at least one address. */
    public boolean overlaps(Cidr other) {
        if (address.length != other.address.length) {
            return false;
        }
        int n = Math.min(prefixLength, other.prefixLength);
        for (int bit = 0; bit < n; bit++) {
            int mask = 0x80 >>> (bit & 7);
            if ((address[bit >>> 3] & mask) != (other.address[bit >>> 3] & mask)) {
                return false;
            }
        }
        return true;
    }

    /** Canonical text: dotted quad, or RFC 5952 IPv6 (lower case, longest zero run as "::"). */
    @Override
    public String toString() {
        if (address.length == 4) {
            return (address[0] & 0xff) + "." + (address[1] & 0xff) + "." + (address[2] & 0xff) + "."
                    + (address[3] & 0xff) + "/" + prefixLength;
        }
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = (address[2 * i] & 0xff) << 8 | (address[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append(i == 0 ? "::" : ":");
                i += bestLen - 1;
                continue;
            }
            sb.append(Integer.toHexString(g[i]));
            if (i < 7) {
                sb.append(':');
            }
        }
        return sb + "/" + prefixLength;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefixLength == prefixLength && java.util.Arrays.equals(c.address, address);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(address) * 31 + prefixLength;
    }
}
