package dev.psk.tunnel.hub;

import dev.psk.tunnel.noise.CipherState;
import dev.psk.tunnel.noise.IkPsk2Handshake;
import java.nio.charset.StandardCharsets;

/**
 * Every wire message of hub mode, with sizes and offsets. Integers are little-endian (as in
 * WireGuard, whose message layout this follows with SHA-256 in place of BLAKE2s); the first byte
 * is the type and the next three are zero.
 *
 * <pre>
 * 1 initiation : type(4) sender(4) ephemeral(32) static(32+16) payload(12+N+16) mac1(16) mac2(16)
 * 2 response   : type(4) sender(4) receiver(4) ephemeral(32) empty(0+16) mac1(16) mac2(16)   = 92
 * 3 cookie     : type(4) receiver(4) nonce(12) cookie(16+16)                                 = 52
 * 4 transport  : type(4) receiver(4) counter(8) data(16k+16)
 * 5 restart hint: type(4) mac(16)                                                          = 20
 * </pre>
 */
public final class HubWire {
    private HubWire() {}

    // ---- Specification constants ----

    public static final byte TYPE_INITIATION = 1;
    public static final byte TYPE_RESPONSE = 2;
    public static final byte TYPE_COOKIE_REPLY = 3;
    public static final byte TYPE_TRANSPORT = 4;
    /** Hub to client after a hub restart: "your session is gone", MAC'd with a key only the two share ({@link RestartHint}). */
    public static final byte TYPE_RESTART_HINT = 5;

    /** The Noise prologue: binds every handshake to this protocol and version. */
    public static final byte[] PROLOGUE = "psk-tunnel hub v1".getBytes(StandardCharsets.US_ASCII);

    public static final byte[] LABEL_MAC1 = "mac1----".getBytes(StandardCharsets.US_ASCII);
    public static final byte[] LABEL_COOKIE = "cookie--".getBytes(StandardCharsets.US_ASCII);

    public static final int KEY_BYTES = 32;
    public static final int TAG_BYTES = CipherState.TAG_BYTES;
    public static final int MAC_BYTES = 16;
    public static final int COOKIE_BYTES = 16;
    public static final int TIMESTAMP_BYTES = 12;
    public static final int COOKIE_NONCE_BYTES = 12;
    public static final int IDENTITY_LENGTH_BYTES = 2;
    /** Largest hardware-identity block (algorithm, public key pin, signature) carried in message 1. */
    public static final int MAX_IDENTITY_BYTES = 512;

    public static final int HEADER_BYTES = 4;
    public static final int INDEX_BYTES = 4;

    public static final int INIT_SENDER_OFFSET = 4;
    public static final int INIT_EPHEMERAL_OFFSET = 8;
    public static final int INIT_NOISE_OFFSET = INIT_EPHEMERAL_OFFSET;
    /** Message 1 with only a timestamp in its payload. */
    public static final int INITIATION_MIN_BYTES =
            INIT_NOISE_OFFSET + IkPsk2Handshake.MESSAGE1_OVERHEAD_BYTES + TIMESTAMP_BYTES + 2 * MAC_BYTES;

    public static final int INITIATION_MAX_BYTES = INITIATION_MIN_BYTES + IDENTITY_LENGTH_BYTES + MAX_IDENTITY_BYTES;

    public static final int RESP_SENDER_OFFSET = 4;
    public static final int RESP_RECEIVER_OFFSET = 8;
    public static final int RESP_NOISE_OFFSET = 12;
    public static final int RESPONSE_BYTES =
            RESP_NOISE_OFFSET + IkPsk2Handshake.MESSAGE2_OVERHEAD_BYTES + 2 * MAC_BYTES;

    public static final int COOKIE_RECEIVER_OFFSET = 4;
    public static final int COOKIE_NONCE_OFFSET = 8;
    public static final int COOKIE_SEALED_OFFSET = COOKIE_NONCE_OFFSET + COOKIE_NONCE_BYTES;
    public static final int COOKIE_REPLY_BYTES = COOKIE_SEALED_OFFSET + COOKIE_BYTES + TAG_BYTES;

    public static final int RESTART_HINT_MAC_OFFSET = HEADER_BYTES;
    public static final int RESTART_HINT_BYTES = RESTART_HINT_MAC_OFFSET + MAC_BYTES;

    public static final int TRANSPORT_RECEIVER_OFFSET = 4;
    public static final int TRANSPORT_COUNTER_OFFSET = 8;
    public static final int TRANSPORT_HEADER_BYTES = 16;
    public static final int TRANSPORT_MIN_BYTES = TRANSPORT_HEADER_BYTES + TAG_BYTES;
    /** Plaintext is zero-padded to a multiple of this (WireGuard section 5.4.6) to blur lengths. */
    public static final int PADDING_MULTIPLE = 16;

    // ---- Implementation constants ----

    /** Largest inner packet the hub carries (the TUN MTU ceiling). */
    public static final int MAX_INNER_BYTES = 1500;
    /** Largest datagram the hub reads: a full transport message. */
    public static final int MAX_DATAGRAM_BYTES =
            TRANSPORT_HEADER_BYTES + MAX_INNER_BYTES + PADDING_MULTIPLE + TAG_BYTES;
    /** The default tunnel MTU: 1500 minus outer IPv6/UDP (48) and transport overhead (32). */
    public static final int DEFAULT_MTU = 1420;

    /** mac1 offset for a message of length {@code n}: the second-to-last 16 bytes. */
    public static int mac1Offset(int n) {
        return n - 2 * MAC_BYTES;
    }

    public static int mac2Offset(int n) {
        return n - MAC_BYTES;
    }

    /** Plaintext length after padding (never beyond the MTU-sized maximum). */
    public static int paddedLength(int n) {
        int p = (n + PADDING_MULTIPLE - 1) / PADDING_MULTIPLE * PADDING_MULTIPLE;
        return Math.min(p, Math.max(n, MAX_INNER_BYTES));
    }

    static int getIntLE(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    static void putIntLE(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }

    static long getLongLE(byte[] b, int off) {
        return (getIntLE(b, off) & 0xffffffffL) | ((long) getIntLE(b, off + 4)) << 32;
    }

    static void putLongLE(byte[] b, int off, long v) {
        putIntLE(b, off, (int) v);
        putIntLE(b, off + 4, (int) (v >>> 32));
    }

    /** Little-endian int at absolute {@code off} of {@code b}, whatever the buffer's byte order. */
    static int getIntLE(java.nio.ByteBuffer b, int off) {
        return (b.get(off) & 0xff)
                | (b.get(off + 1) & 0xff) << 8
                | (b.get(off + 2) & 0xff) << 16
                | (b.get(off + 3) & 0xff) << 24;
    }

    static long getLongLE(java.nio.ByteBuffer b, int off) {
        return (getIntLE(b, off) & 0xffffffffL) | ((long) getIntLE(b, off + 4)) << 32;
    }

    static void putIntLE(java.nio.ByteBuffer b, int off, int v) {
        b.put(off, (byte) v)
                .put(off + 1, (byte) (v >>> 8))
                .put(off + 2, (byte) (v >>> 16))
                .put(off + 3, (byte) (v >>> 24));
    }

    /** True when {@code b[0..n)} starts with type {@code type} and three zero bytes. */
    static boolean hasHeader(byte[] b, int n, byte type) {
        return n >= HEADER_BYTES && b[0] == type && b[1] == 0 && b[2] == 0 && b[3] == 0;
    }
}
