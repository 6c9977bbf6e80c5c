package dev.psk.tunnel.hub;

import java.security.MessageDigest;

/**
 * The X25519 public keys of small order (RFC 7748 section 6.1; the same table libsodium checks):
 * every scalar multiplication with one of them gives all zeros (clamped scalars are multiples of
 * the cofactor 8). The u-coordinates 0, 1, two points of order 8, p-1, and the non-canonical
 * encodings p and p+1 of 0 and 1; the top bit is ignored, as X25519 ignores it.
 * {@code WycheproofPrimitivesTest} checks the table against every Wycheproof vector.
 *
 * <p>Thread-safety: stateless.
 */
public final class LowOrderPoints {
    private static final byte[][] POINTS = {
        hex("0000000000000000000000000000000000000000000000000000000000000000"),
        hex("0100000000000000000000000000000000000000000000000000000000000000"),
        hex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
        hex("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157"),
        hex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
        hex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
        hex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
    };

    private LowOrderPoints() {}

    /** True when {@code u} (32 bytes, little-endian) is a point of small order. */
    public static boolean contains(byte[] u) {
        byte[] masked = u.clone();
        masked[31] &= 0x7f;
        boolean found = false;
        for (byte[] p : POINTS) {
            found |= MessageDigest.isEqual(p, masked);
        }
        return found;
    }

    private static byte[] hex(String s) {
        return dev.psk.common.Hex.decode(s);
    }
}
