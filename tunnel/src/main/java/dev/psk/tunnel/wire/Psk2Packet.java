package dev.psk.tunnel.wire;

import static dev.psk.tunnel.wire.Psk2Wire.*;

import dev.psk.common.Secrets;
import dev.psk.tunnel.DropReason;
import dev.psk.tunnel.crypto.PacketAead;
import dev.psk.tunnel.pad.SlotKeys;
import dev.psk.tunnel.pad.SlotSchedule;
import java.nio.ByteBuffer;

/**
 * The PSK2 data packet codec, working in place on a packet that starts at index 0 of a caller's
 * buffer (big-endian): header {@code [0, 32)}, payload {@code [32, 32+n)}, Poly1305 tag
 * {@code [32+n, 48+n)}. Nothing here allocates or throws on network input.
 *
 * <pre>
 *  0      4   5     6     7     8                 24          32
 *  | PSK2 | 2 | flg | dir | rsv | auth tag (16)   | seq u64be |  ciphertext ... | tag (16) |
 * </pre>
 */
public final class Psk2Packet {
    private Psk2Packet() {}

    /**
     * Seals the {@code payloadLen} bytes at index 32 of {@code buf}: writes the header for
     * {@code keys}' direction and {@code seq}, encrypts in place, appends the tag.
     *
     * @param nonce scratch for the 12-byte nonce, owned by the calling thread
     * @return the datagram length, {@code payloadLen + 48}
     */
    public static int seal(ByteBuffer buf, SlotKeys keys, long seq, int payloadLen, PacketAead aead, byte[] nonce) {
        return seal(buf, keys, seq, payloadLen, aead, nonce, FLAGS_NONE);
    }

    /**
     * As {@link #seal(ByteBuffer, SlotKeys, long, int, PacketAead, byte[])} with a flags byte: 0 with
     * the handshake off, {@link Psk2Wire#FLAG_SESSION} | epoch under a session key.
     */
    public static int seal(
            ByteBuffer buf, SlotKeys keys, long seq, int payloadLen, PacketAead aead, byte[] nonce, int flags) {
        buf.putInt(MAGIC_OFFSET, MAGIC);
        buf.put(VERSION_OFFSET, (byte) VERSION);
        buf.put(FLAGS_OFFSET, (byte) flags);
        buf.put(DIRECTION_OFFSET, (byte) keys.direction());
        buf.put(RESERVED_OFFSET, (byte) RESERVED_VALUE);
        buf.put(AUTH_TAG_OFFSET, keys.authTag(), 0, AUTH_TAG_BYTES);
        buf.putLong(SEQ_OFFSET, seq);
        SlotSchedule.nonce(keys.noncePrefix(), seq, nonce);
        aead.seal(keys.key(), nonce, buf, 0, HEADER_BYTES, HEADER_BYTES, payloadLen);
        return payloadLen + OVERHEAD_BYTES;
    }

    /**
     * The header checks that need no key material, cheapest first: size, magic, version, flags,
     * reserved, direction.
     *
     * @return null when the header is acceptable for a receiver of {@code rxDirection}
     */
    public static DropReason checkHeader(ByteBuffer buf, int len, int rxDirection) {
        return checkHeader(buf, len, rxDirection, false);
    }

    /**
     * As {@link #checkHeader(ByteBuffer, int, int)}; with {@code sessionKeys} the flags byte must be
     * {@link Psk2Wire#FLAG_SESSION} | epoch (bits 2..6 zero), without it exactly 0.
     */
    public static DropReason checkHeader(ByteBuffer buf, int len, int rxDirection, boolean sessionKeys) {
        if (len < MIN_PACKET_BYTES || len > buf.capacity()) {
            return DropReason.SIZE;
        }
        if (buf.getInt(MAGIC_OFFSET) != MAGIC) {
            return DropReason.MAGIC;
        }
        if (buf.get(VERSION_OFFSET) != VERSION) {
            return DropReason.VERSION;
        }
        int flags = buf.get(FLAGS_OFFSET) & 0xff;
        if (sessionKeys ? (flags & ~FLAG_EPOCH_MASK) != FLAG_SESSION : flags != FLAGS_NONE) {
            return DropReason.FLAGS;
        }
        if (buf.get(RESERVED_OFFSET) != RESERVED_VALUE) {
            return DropReason.RESERVED;
        }
        if (buf.get(DIRECTION_OFFSET) != rxDirection) {
            return DropReason.DIRECTION;
        }
        return null;
    }

    /** Whether the first 4 bytes of a datagram of {@code len} bytes are "PSK2". */
    public static boolean hasMagic(ByteBuffer buf, int len) {
        return len >= MAGIC_BYTES && buf.getInt(MAGIC_OFFSET) == MAGIC;
    }

    /** The sequence number field (unsigned). */
    public static long seq(ByteBuffer buf) {
        return buf.getLong(SEQ_OFFSET);
    }

    /** Constant-time comparison of the header auth tag with the slot's. */
    public static boolean authTagMatches(ByteBuffer buf, SlotKeys keys) {
        return Secrets.equal(buf, AUTH_TAG_OFFSET, keys.authTag(), 0, AUTH_TAG_BYTES);
    }

    /**
     * Verifies and decrypts a packet of {@code len} bytes in place; on success the plaintext is at
     * {@code [32, len-16)}.
     */
    public static boolean open(ByteBuffer buf, int len, SlotKeys keys, long seq, PacketAead aead, byte[] nonce) {
        SlotSchedule.nonce(keys.noncePrefix(), seq, nonce);
        return aead.open(keys.key(), nonce, buf, 0, HEADER_BYTES, HEADER_BYTES, len - OVERHEAD_BYTES);
    }

    /** Plaintext length of an opened packet of {@code len} bytes. */
    public static int payloadLength(int len) {
        return len - OVERHEAD_BYTES;
    }
}
