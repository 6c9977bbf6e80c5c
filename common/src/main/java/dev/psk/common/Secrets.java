package dev.psk.common;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;

/** Secret hygiene in one place: constant-time comparison and wiping. */
public final class Secrets {
    private Secrets() {}

    /** Compares in time independent of where the inputs differ (length is not secret). */
    public static boolean equal(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    /** Constant-time comparison of {@code len} bytes at the given offsets; no allocation. */
    public static boolean equal(byte[] a, int aOff, byte[] b, int bOff, int len) {
        int diff = 0;
        for (int i = 0; i < len; i++) {
            diff |= a[aOff + i] ^ b[bOff + i];
        }
        return diff == 0;
    }

    /** Constant-time comparison of {@code len} bytes of a buffer (absolute index) with an array; no allocation. */
    public static boolean equal(ByteBuffer buf, int index, byte[] b, int bOff, int len) {
        int diff = 0;
        for (int i = 0; i < len; i++) {
            diff |= buf.get(index + i) ^ b[bOff + i];
        }
        return diff == 0;
    }

    public static void wipe(byte[]... arrays) {
        for (byte[] a : arrays) {
            if (a != null) {
                Arrays.fill(a, (byte) 0);
            }
        }
    }

    public static void wipe(char[] chars) {
        if (chars != null) {
            Arrays.fill(chars, '\0');
        }
    }
}
