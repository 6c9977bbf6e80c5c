package dev.psk.tunnel.hub;

import java.time.Instant;

/**
 * TAI64N labels (12 bytes: 2^62 + seconds, then nanoseconds, both big-endian) as WireGuard puts in
 * message 1 so a responder can refuse a replayed initiation: a client's timestamps must strictly
 * increase. Nanoseconds are rounded down to a millisecond so the label does not expose a
 * fine-grained clock. Leap seconds are ignored (as in WireGuard): only monotonicity matters.
 */
public final class Tai64n {
    public static final int BYTES = 12;
    private static final long BASE = 1L << 62;

    private Tai64n() {}

    public static byte[] encode(Instant t) {
        byte[] out = new byte[BYTES];
        long secs = BASE + t.getEpochSecond();
        int nanos = t.getNano() / 1_000_000 * 1_000_000;
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (secs >>> (56 - 8 * i));
        }
        for (int i = 0; i < 4; i++) {
            out[8 + i] = (byte) (nanos >>> (24 - 8 * i));
        }
        return out;
    }

    /** True when label {@code a} is strictly after label {@code b} (unsigned big-endian order). */
    public static boolean after(byte[] a, byte[] b) {
        return b == null || java.util.Arrays.compareUnsigned(a, 0, BYTES, b, 0, BYTES) > 0;
    }
}
